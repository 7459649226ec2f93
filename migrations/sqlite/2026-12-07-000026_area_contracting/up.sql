-- Issue 17: AREA-1..3 area contracting (客户服务承包制度 第五、六条).

-- AREA-3: the boundary an area was created with; later boundaries are changes with a date.
ALTER TABLE service_areas ADD COLUMN boundary TEXT NOT NULL DEFAULT '';

-- AREA-1, AREA-2: one area's household figures for one month. The growth target is stored as
-- decided when the figures were filed (the company's own, or the policy's default then), so a
-- later policy never changes a month already judged.
CREATE TABLE area_month_figures (
    service_area_id TEXT NOT NULL REFERENCES service_areas (id),
    month TEXT NOT NULL CHECK (length(month) = 7),
    opening BIGINT NOT NULL CHECK (opening >= 0),
    new_households BIGINT NOT NULL CHECK (new_households >= 0),
    lost BIGINT NOT NULL CHECK (lost >= 0 AND lost <= opening + new_households),
    growth_target BIGINT NOT NULL CHECK (growth_target >= 0),
    target_set_by_company BOOLEAN NOT NULL,
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (service_area_id, month)
);

-- AREA-3: a change of an area's maintainer (published by job number) and boundary, in force
-- from its date; the state of an area on a day is its latest change in force by then.
CREATE TABLE service_area_changes (
    id TEXT PRIMARY KEY,
    service_area_id TEXT NOT NULL REFERENCES service_areas (id),
    effective_on DATE NOT NULL,
    maintainer_id TEXT NOT NULL REFERENCES employees (id),
    maintainer_job_number TEXT NOT NULL,
    boundary TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX service_area_changes_area ON service_area_changes (service_area_id, effective_on);
