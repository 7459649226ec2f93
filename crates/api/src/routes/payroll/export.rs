//! A payroll run as finance opens it: CSV and an Excel workbook. One column per kind of
//! payslip line, in the order the payslip lists them, so every row adds up across.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use zhidu_domain::money::Money;
use zhidu_domain::payroll::PayLineKind;
use zhidu_service::Moment;

use super::PayslipView;
use crate::error::ApiError;

/// The line columns, with their headings.
const LINE_COLUMNS: &[(PayLineKind, &str)] = &[
    (PayLineKind::BaseSalary, "base_salary"),
    (PayLineKind::ProbationDailyPay, "probation_daily_pay"),
    (PayLineKind::Seniority, "seniority"),
    (PayLineKind::FullAttendance, "full_attendance"),
    (PayLineKind::Birthday, "birthday"),
    (PayLineKind::WomensDay, "womens_day"),
    (PayLineKind::PerformanceBonus, "performance_bonus"),
    (
        PayLineKind::PerformanceBonusForfeited,
        "performance_bonus_forfeited",
    ),
    (PayLineKind::LatenessFines, "lateness_fines"),
    (
        PayLineKind::PersonalLeaveDeduction,
        "personal_leave_deduction",
    ),
    (PayLineKind::AbsenceDeduction, "absence_deduction"),
    (PayLineKind::DisciplineFine, "discipline_fines"),
    (PayLineKind::NoticePayInLieu, "notice_pay_in_lieu"),
];

const LEADING: &[&str] = &["employee_id", "name", "department_id"];
const TRAILING: &[&str] = &[
    "earnings",
    "deductions",
    "net",
    "negative_net",
    "base_salary_only",
    "final_pay_withheld",
    "problem",
];

/// A cell of the payslip sheet.
enum Cell<'a> {
    Text(&'a str),
    Amount(Money),
    Flag(bool),
}

/// The row of one payslip: identity, each line kind's total, the totals and the flags.
fn row(slip: &PayslipView) -> Vec<Cell<'_>> {
    let mut cells = vec![
        Cell::Text(&slip.employee_id),
        Cell::Text(&slip.employee_name),
        Cell::Text(&slip.department_id),
    ];
    let payslip = slip.payslip.as_ref();
    cells.extend(LINE_COLUMNS.iter().map(|(kind, _)| {
        let fen = payslip.map_or(0, |p| {
            p.lines
                .iter()
                .filter(|line| line.kind == *kind)
                .map(|line| line.amount.fen())
                .sum()
        });
        Cell::Amount(Money::from_fen(fen))
    }));
    let total = |of: fn(&zhidu_domain::payroll::Payslip) -> Money| {
        Cell::Amount(payslip.map_or(Money::ZERO, of))
    };
    cells.extend([
        total(|p| p.earnings),
        total(|p| p.deductions),
        total(|p| p.net),
        Cell::Flag(payslip.is_some_and(|p| p.negative_net)),
        Cell::Flag(payslip.is_some_and(|p| p.base_salary_only)),
        Cell::Flag(payslip.is_some_and(|p| p.final_pay_withheld)),
        Cell::Text(slip.problem.as_deref().unwrap_or("")),
    ]);
    cells
}

fn headings() -> impl Iterator<Item = &'static str> {
    LEADING
        .iter()
        .copied()
        .chain(LINE_COLUMNS.iter().map(|(_, name)| *name))
        .chain(TRAILING.iter().copied())
}

/// The run as CSV, amounts as decimal strings exact to the fen.
pub fn csv_export(slips: &[PayslipView]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer
        .write_record(headings())
        .map_err(ApiError::internal)?;
    for slip in slips {
        let fields = row(slip).into_iter().map(|cell| match cell {
            Cell::Text(text) => text.to_owned(),
            Cell::Amount(amount) => amount.to_string(),
            Cell::Flag(flag) => flag.to_string(),
        });
        writer.write_record(fields).map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn row_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// Amounts as numbers in yuan (exact: every fen count below 2^53 is), formatted to two
/// decimals, so finance can sum them in the sheet.
fn yuan(amount: Money) -> f64 {
    amount.fen() as f64 / 100.0
}

/// The run as an XLSX workbook: `Payslips`, one row per employee, and `Lines`, every line.
/// The workbook's creation time is `at`, the application clock's reading, not the system's.
pub fn xlsx_export(slips: &[PayslipView], at: Moment) -> Result<Vec<u8>, ApiError> {
    build_workbook(slips, at).map_err(ApiError::internal)
}

fn build_workbook(slips: &[PayslipView], at: Moment) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(at.instant().unix_timestamp())?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Payslips")?;
    for (index, heading) in headings().enumerate() {
        sheet.write_string_with_format(0, column(index), heading, &bold)?;
    }
    for (index, slip) in slips.iter().enumerate() {
        for (col, cell) in row(slip).into_iter().enumerate() {
            let (r, c) = (row_number(index), column(col));
            match cell {
                Cell::Text(text) => sheet.write_string(r, c, text)?,
                Cell::Amount(amount) => {
                    sheet.write_number_with_format(r, c, yuan(amount), &money)?
                }
                Cell::Flag(flag) => sheet.write_boolean(r, c, flag)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let lines = workbook.add_worksheet();
    lines.set_name("Lines")?;
    for (index, heading) in [
        "employee_id",
        "name",
        "kind",
        "rule",
        "description",
        "amount",
        "reference",
    ]
    .into_iter()
    .enumerate()
    {
        lines.write_string_with_format(0, column(index), heading, &bold)?;
    }
    let every_line = slips.iter().flat_map(|slip| {
        slip.payslip
            .iter()
            .flat_map(|payslip| payslip.lines.iter())
            .map(move |line| (slip, line))
    });
    for (index, (slip, line)) in every_line.enumerate() {
        let r = row_number(index);
        let kind = serde_json::to_value(line.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        lines.write_string(r, 0, &slip.employee_id)?;
        lines.write_string(r, 1, &slip.employee_name)?;
        lines.write_string(r, 2, &kind)?;
        lines.write_string(r, 3, &line.rule)?;
        lines.write_string(r, 4, &line.description)?;
        lines.write_number_with_format(r, 5, yuan(line.amount), &money)?;
        lines.write_string(r, 6, line.reference.as_deref().unwrap_or(""))?;
    }
    lines.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
