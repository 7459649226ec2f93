DROP TABLE hr_cases;
DROP TABLE discipline_records;
DROP TABLE discipline_offenses;
