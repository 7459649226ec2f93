//! SET-5 through the service, on both backends: our records, a partner's statement and its
//! revision, the reconciliation (each verdict the store's query gives is SET-5's), the
//! comment thread of a disputed line, and SET-1's isolation: a partner reads its own
//! statements only, finance reads every one.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::Date;
use time::macros::date;
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_domain::settlement::LineVerdict;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::statements::{self, Line, LineQuery, VerdictLine, VerdictTotal};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::new_id;
use zhidu_store::partners::{self, Credential, Partner};
use zhidu_store::testing::fixtures::actor;
use zhidu_store::testing::{TestDatabase, test_moment};

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

fn caller(subject: &str, role: Role) -> Caller {
    Caller {
        roles: vec![role],
        actor: Actor {
            subject: subject.to_owned(),
            ..actor()
        },
    }
}

fn finance() -> Caller {
    caller("qian.caiwu", Role::Finance)
}

/// An insurer with a live credential: (partner id, the caller its token is).
fn partner(connection: &mut DbConnection, name: &str) -> (String, Caller) {
    let now = test_moment().stored();
    let partner = Partner {
        id: new_id(),
        partner_type: "insurer".into(),
        name: name.into(),
        region: "四川".into(),
        split_company_part: None,
        split_franchisee_part: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    partners::insert_partner(connection, &actor(), &partner).unwrap();
    let credential = Credential {
        client_id: new_id(),
        partner_id: partner.id.clone(),
        secret_hash: String::new(),
        created_at: now,
        revoked_at: None,
    };
    partners::insert_credential(connection, &actor(), &credential).unwrap();
    (partner.id, caller(&credential.client_id, Role::Partner))
}

fn line(reference: &str, amount: &str, occurred_on: Date) -> Line {
    Line {
        reference: reference.into(),
        amount: money(amount),
        occurred_on,
    }
}

fn verdict_line(reference: &str, verdict: LineVerdict, theirs: &str, ours: &str) -> VerdictLine {
    let amount = |text: &str| (!text.is_empty()).then(|| money(text));
    VerdictLine {
        reference: reference.into(),
        verdict,
        theirs: amount(theirs),
        ours: amount(ours),
    }
}

fn is_not_found<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> bool {
    matches!(result, Err(ServiceError::NotFound(_)))
}

both_backends!(
    set_5_a_statement_is_reconciled_against_our_records_of_its_month,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let (ours, partner_a) = partner(&mut connection, "平安保险");
        let (_, partner_b) = partner(&mut connection, "人保财险");

        let recorded = statements::record_orders(
            &mut connection,
            &finance(),
            &ours,
            vec![
                line("R1", "100.00", date!(2026 - 03 - 02)),
                line("R2", "200.00", date!(2026 - 03 - 03)),
                line("R3", "300.00", date!(2026 - 03 - 10)),
                line("R9", "900.00", date!(2026 - 04 - 01)),
            ],
        )
        .unwrap();
        assert_eq!(recorded.orders.len(), 4);
        assert_eq!(recorded.total, money("1500.00"));
        // A reference recorded twice stores nothing of the batch.
        let twice = statements::record_orders(
            &mut connection,
            &finance(),
            &ours,
            vec![
                line("R4", "400.00", date!(2026 - 03 - 20)),
                line("R3", "1.00", date!(2026 - 03 - 11)),
            ],
        );
        assert!(matches!(twice, Err(ServiceError::Conflict(_))));
        let nobody = statements::record_orders(&mut connection, &finance(), "no-such", vec![]);
        assert!(
            matches!(nobody, Err(ServiceError::FieldRefused { field, .. }) if field == "partner_id")
        );

        // Only a partner's own token posts a statement.
        let lines = [
            line("R1", "100.00", date!(2026 - 03 - 02)),
            line("R2", "250.00", date!(2026 - 03 - 03)),
            line("R5", "50.00", date!(2026 - 03 - 09)),
        ];
        let by_finance = statements::submit_statement(
            &mut connection,
            &finance(),
            date!(2026 - 03 - 01),
            &lines,
        );
        assert!(matches!(by_finance, Err(ServiceError::Forbidden(_))));
        let statement = statements::submit_statement(
            &mut connection,
            &partner_a,
            date!(2026 - 03 - 01),
            &lines,
        )
        .unwrap();
        assert_eq!(statement.partner_id, ours);
        assert_eq!(statement.month, "2026-03");
        assert_eq!(statement.revision, 1);
        assert_eq!(statement.line_count, 3);
        assert_eq!(statement.total_fen, 40_000);

        let all = LineQuery::default();
        let report =
            statements::reconcile(&mut connection, &finance(), &statement.id, all).unwrap();
        assert_eq!(
            report.lines,
            [
                verdict_line("R1", LineVerdict::Matched, "100.00", "100.00"),
                verdict_line("R2", LineVerdict::AmountMismatch, "250.00", "200.00"),
                verdict_line("R3", LineVerdict::MissingInTheirs, "", "300.00"),
                verdict_line("R5", LineVerdict::MissingInOurs, "50.00", ""),
            ]
        );
        let total = |verdict: LineVerdict| -> VerdictTotal {
            report
                .totals
                .iter()
                .find(|t| t.verdict == verdict)
                .unwrap()
                .clone()
        };
        assert_eq!(total(LineVerdict::Matched).lines, 1);
        assert_eq!(total(LineVerdict::AmountMismatch).theirs, money("250.00"));
        assert_eq!(total(LineVerdict::AmountMismatch).ours, money("200.00"));
        assert_eq!(total(LineVerdict::MissingInTheirs).ours, money("300.00"));
        assert_eq!(total(LineVerdict::MissingInOurs).theirs, money("50.00"));
        assert_eq!(report.totals.len(), 4);
        // One verdict, a page at a time, by reference.
        let mismatched = LineQuery {
            verdict: Some(LineVerdict::AmountMismatch),
            after_reference: None,
            limit: Some(1),
        };
        let page =
            statements::reconcile(&mut connection, &partner_a, &statement.id, mismatched).unwrap();
        assert_eq!(
            page.lines,
            [verdict_line(
                "R2",
                LineVerdict::AmountMismatch,
                "250.00",
                "200.00"
            )]
        );
        let after = LineQuery {
            after_reference: Some("R2"),
            ..LineQuery::default()
        };
        let rest =
            statements::reconcile(&mut connection, &partner_a, &statement.id, after).unwrap();
        let references: Vec<&str> = rest.lines.iter().map(|l| l.reference.as_str()).collect();
        assert_eq!(references, ["R3", "R5"]);

        // A second statement for the month is its next revision; the first stays as it was.
        let revised = statements::submit_statement(
            &mut connection,
            &partner_a,
            date!(2026 - 03 - 01),
            &lines[..1],
        )
        .unwrap();
        assert_eq!(revised.revision, 2);
        let first = statements::find_statement(&mut connection, &partner_a, &statement.id).unwrap();
        assert_eq!(first.superseded_by.as_deref(), Some(revised.id.as_str()));
        assert_eq!(first.total_fen, 40_000);
        assert!(is_not_found(statements::reconcile(
            &mut connection,
            &partner_b,
            &statement.id,
            LineQuery::default()
        )));
    }
);

both_backends!(
    set_1_a_partner_reads_and_comments_on_its_own_statements_only,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let (ours, partner_a) = partner(&mut connection, "平安保险");
        let (theirs, partner_b) = partner(&mut connection, "人保财险");
        statements::record_orders(
            &mut connection,
            &finance(),
            &ours,
            vec![line("R3", "300.00", date!(2026 - 03 - 10))],
        )
        .unwrap();
        let lines = [line("R1", "100.00", date!(2026 - 03 - 02))];
        let a = statements::submit_statement(
            &mut connection,
            &partner_a,
            date!(2026 - 03 - 01),
            &lines,
        )
        .unwrap();
        let b = statements::submit_statement(
            &mut connection,
            &partner_b,
            date!(2026 - 03 - 01),
            &lines,
        )
        .unwrap();
        assert_eq!(b.partner_id, theirs);

        // Each partner sees its own; finance sees both; another's is not found, like an id
        // that does not exist.
        let find = |connection: &mut DbConnection, who: &Caller, id: &str| {
            statements::find_statement(connection, who, id)
        };
        assert_eq!(find(&mut connection, &partner_a, &a.id).unwrap().id, a.id);
        assert_eq!(find(&mut connection, &partner_b, &b.id).unwrap().id, b.id);
        assert_eq!(find(&mut connection, &finance(), &a.id).unwrap().id, a.id);
        assert_eq!(find(&mut connection, &finance(), &b.id).unwrap().id, b.id);
        assert!(is_not_found(find(&mut connection, &partner_b, &a.id)));
        assert!(is_not_found(find(&mut connection, &partner_a, &b.id)));
        assert!(is_not_found(find(&mut connection, &partner_a, "no-such")));
        assert!(is_not_found(statements::reconcile(
            &mut connection,
            &partner_b,
            &a.id,
            LineQuery::default()
        )));

        // The thread of a disputed line: both sides write it, another partner cannot.
        let comment = |connection: &mut DbConnection, who: &Caller, reference: &str| {
            statements::comment_on_line(connection, who, &a.id, reference, "请核对".into())
        };
        assert!(is_not_found(comment(&mut connection, &partner_b, "R1")));
        assert!(is_not_found(comment(&mut connection, &partner_a, "NOPE")));
        let partners_own = comment(&mut connection, &partner_a, "R1").unwrap();
        assert_eq!(partners_own.author_kind, "partner");
        let staff = comment(&mut connection, &finance(), "R1").unwrap();
        assert_eq!(staff.author_kind, "staff");
        assert_eq!(staff.author, "qian.caiwu");
        // One of our records the statement lacks has a thread too.
        comment(&mut connection, &finance(), "R3").unwrap();
        let thread = statements::line_comments(&mut connection, &partner_a, &a.id, "R1").unwrap();
        let kinds: Vec<&str> = thread.iter().map(|c| c.author_kind.as_str()).collect();
        assert_eq!(kinds, ["partner", "staff"]);
        assert!(is_not_found(statements::line_comments(
            &mut connection,
            &partner_b,
            &a.id,
            "R1"
        )));
    }
);
