//! The role sets: which roles may do what. Each is named for the permission it grants and
//! stated once; the API's extractors admit by them and the use cases check them.

use zhidu_domain::role::Role::{self, *};

/// Any member of staff: every role but `partner`.
pub const STAFF: &[Role] = &[
    Admin,
    GeneralManager,
    Manager,
    Hr,
    Finance,
    Marketing,
    CsAgent,
    CsManager,
    Technician,
    Employee,
    PolicyAdmin,
];

/// Account administration and calendar imports.
pub const ADMINS: &[Role] = &[Admin];

/// Issue 18: writing new policy versions.
pub const POLICY_ADMINS: &[Role] = &[Admin, PolicyAdmin];

/// Creating and editing customers and their referrals.
pub const CUSTOMER_EDITORS: &[Role] = &[
    Admin,
    GeneralManager,
    Manager,
    CsManager,
    CsAgent,
    Marketing,
    Finance,
];

/// Entering quarterly revenue and payments, and closing a quarter.
pub const FINANCE_DESK: &[Role] = &[Admin, GeneralManager, Finance];

/// TIER-4: managers may override a tier.
pub const MANAGERS: &[Role] = &[Admin, GeneralManager, Manager, CsManager];

/// Keeping the company's people: departments and employees, and filing attendance, leave and
/// departures on another employee's behalf.
pub const PEOPLE_ADMINS: &[Role] = &[Admin, Hr];

/// EMP-2, EMP-5: recording an employee's monthly performance and company-funded spend.
pub const PERFORMANCE_RECORDERS: &[Role] = &[Admin, Manager, CsManager, Hr, Finance];

/// SET-1: keeping partners and their credentials.
pub const PARTNER_ADMINS: &[Role] = &[Admin, Finance];

/// AR-5: approving a write-off is the general manager's alone.
pub const GENERAL_MANAGERS: &[Role] = &[GeneralManager];

/// SET-4: following up overdue settlements — finance, management and marketing.
pub const SETTLEMENT_DESK: &[Role] = &[Admin, GeneralManager, Finance, Marketing];

/// Partner-facing writes: only a partner's own token.
pub const PARTNER_CALLERS: &[Role] = &[Partner];

/// Reading a partner's records: finance and management, and the partner itself (its own
/// only; see `routes::partners::partner_scope`).
pub const PARTNER_READERS: &[Role] = &[Admin, GeneralManager, Finance, Partner];

/// Reading every employee's records (attendance, leave, payslips, discipline): HR and the
/// general manager. Anyone else reads their own and those of the people they manage.
pub const PEOPLE_OVERSEERS: &[Role] = &[Admin, Hr, GeneralManager];

/// PAY: reading payroll runs and every payslip (computing them is `PAYROLL_COMPUTERS`).
pub const PAYROLL_DESK: &[Role] = &[Admin, Hr, Finance, GeneralManager];

/// PAY: approving a computed run — finance and management.
pub const PAYROLL_APPROVERS: &[Role] = &[Admin, Finance, GeneralManager];

/// Working the service desk: taking, handling and handing over work orders.
pub const SERVICE_DESK: &[Role] = &[
    Admin,
    GeneralManager,
    Manager,
    CsManager,
    CsAgent,
    Technician,
];

/// SLA-3: the customer-service-center manager decides extensions and runs sweeps.
pub const CS_MANAGERS: &[Role] = &[Admin, CsManager];

/// ACC: opening, reading and deciding accountability cases.
pub const ACCOUNTABILITY_OFFICERS: &[Role] = &[Admin, GeneralManager, Manager, CsManager, Hr];

/// DISC: recording and confirming discipline records (a plain `manager` only for the
/// employees they manage).
pub const DISCIPLINE_OFFICERS: &[Role] = &[Admin, GeneralManager, Manager, CsManager, Hr];

/// CARE-1, CARE-5, CARE-7: the staff who sell to and serve customers — submitting orders,
/// recording phone visits, reading the due lists and renewal reminders, recording renewals.
pub const CARE_STAFF: &[Role] = &[
    Admin,
    GeneralManager,
    Manager,
    Marketing,
    CsManager,
    CsAgent,
];

/// CARE-5: the month-end list of customers without a responsible salesperson goes to the
/// marketing director.
pub const RENEWAL_DIRECTORS: &[Role] = &[Admin, GeneralManager, Marketing];

/// CARE-6: customer service makes the confirming phone call of a domain transfer.
pub const CUSTOMER_SERVICE: &[Role] = &[Admin, CsManager, CsAgent];

/// Reading the audit trail.
pub const AUDITORS: &[Role] = &[Admin, GeneralManager];

/// PAY: computing a month's payroll — HR and finance (the general manager reads and approves
/// runs but does not compute them).
pub const PAYROLL_COMPUTERS: &[Role] = &[Admin, Hr, Finance];

/// Recording performance for any employee, not only the people one manages.
pub const RECORD_ANYONES_PERFORMANCE: &[Role] = &[Admin, Hr, Finance];

/// Finance reads every employee's pay inputs (performance records, bonuses).
pub const READ_EVERYONES_PAY_INPUTS: &[Role] = &[Finance];

/// Department managers enter the performance bonus of the people they manage.
pub const ENTER_BONUSES_FOR_REPORTS: &[Role] = &[Manager, CsManager];

/// Read and decide every employee's discipline: the customer-service department's manager
/// oversees its rules, HR and the general manager everyone's.
pub const DISCIPLINE_FOR_EVERYONE: &[Role] = &[Admin, Hr, GeneralManager, CsManager];

/// INSP: service supervision — keeping the service points, recording inspections and their
/// findings, verifying or reopening a rectification, reminding and escalating.
pub const SUPERVISORS: &[Role] = &[Admin, GeneralManager, Manager, CsManager];

/// TRAIN-1..3: keeping courses, recording sessions, attendance and assessments, and reading
/// who lacks a certificate — HR and the managers who train their staff.
pub const TRAINERS: &[Role] = &[Admin, GeneralManager, Manager, CsManager, Hr];
/// EMP-6: proposing a promotion (the chain then needs the department head, HR and the general
/// manager); a manager proposes only for the employees they may read.
pub const PROMOTION_PROPOSERS: &[Role] = &[Admin, Hr, GeneralManager, Manager, CsManager];

/// DISC meeting host: setting who hosts the daily meeting on a day.
pub const MEETING_HOST_SETTERS: &[Role] = &[Admin, Hr, GeneralManager, Manager, CsManager];
