//! CARE-2 through the service, on both backends: what each channel needs, the outbox a queued
//! touch goes into, the customers overdue for a touch, and retrying a failed message.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::Duration;
use zhidu_domain::role::Role;
use zhidu_domain::touch::{Channel, OutboxStatus, TouchPolicy};
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::touches::{
    NewTouch, find_touch, outbox, overdue_customers, record_touch, retry_message,
};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::fixtures::{actor, customer, user};
use zhidu_store::testing::{TestDatabase, test_moment};

/// A customer-service agent with a staff account (a touch names who recorded it).
fn caller(connection: &mut DbConnection) -> Caller {
    Caller {
        roles: vec![Role::CsAgent],
        actor: Actor {
            subject: user(connection, "cs_agent"),
            ..actor()
        },
    }
}

fn sms(customer_id: &str) -> NewTouch {
    NewTouch {
        customer_id: customer_id.into(),
        channel: Channel::Sms,
        template: " holiday_greeting ".into(),
        subject: None,
        body: "节日快乐".into(),
        recipient: Some(" 138-0000-0000 ".into()),
        sent_at: None,
    }
}

fn refused_field<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::FieldRefused { field, .. }) => field,
        other => panic!("expected a field refusal, got {other:?}"),
    }
}

both_backends!(
    care_2_each_channel_is_addressed_as_it_needs,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let who = customer(&mut connection);
        let me = caller(&mut connection);

        // An SMS has no subject and goes to a phone number; the customer has none on file.
        let with_subject = NewTouch {
            subject: Some("Hi".into()),
            ..sms(&who)
        };
        assert_eq!(
            refused_field(record_touch(&mut connection, &me, with_subject)),
            "subject"
        );
        let no_phone = NewTouch {
            recipient: None,
            ..sms(&who)
        };
        assert_eq!(
            refused_field(record_touch(&mut connection, &me, no_phone)),
            "recipient"
        );
        let not_a_phone = NewTouch {
            recipient: Some("call me".into()),
            ..sms(&who)
        };
        assert_eq!(
            refused_field(record_touch(&mut connection, &me, not_a_phone)),
            "recipient"
        );
        // An email needs a subject and an address.
        let email = |subject: Option<&str>, recipient: Option<&str>| NewTouch {
            channel: Channel::Email,
            subject: subject.map(Into::into),
            recipient: recipient.map(Into::into),
            ..sms(&who)
        };
        assert_eq!(
            refused_field(record_touch(
                &mut connection,
                &me,
                email(None, Some("a@b.cn"))
            )),
            "subject"
        );
        assert_eq!(
            refused_field(record_touch(
                &mut connection,
                &me,
                email(Some("S"), Some("ab.cn"))
            )),
            "recipient"
        );
        assert_eq!(
            refused_field(record_touch(&mut connection, &me, email(Some("S"), None))),
            "recipient"
        );
        // Not sent in the future; an unknown customer is a refusal of its field.
        let future = NewTouch {
            sent_at: Some(test_moment().instant() + Duration::minutes(1)),
            ..sms(&who)
        };
        assert_eq!(
            refused_field(record_touch(&mut connection, &me, future)),
            "sent_at"
        );
        assert_eq!(
            refused_field(record_touch(&mut connection, &me, sms("nobody"))),
            "customer_id"
        );

        // A queued SMS goes into the outbox, pending and due now.
        let (touch, message) = record_touch(&mut connection, &me, sms(&who)).unwrap();
        let message = message.unwrap();
        assert_eq!(touch.recipient, "138-0000-0000");
        assert_eq!(touch.template, "holiday_greeting");
        assert_eq!(touch.sent_at, None);
        assert_eq!(touch.outbox_id.as_deref(), Some(message.id.as_str()));
        assert_eq!(touch.recorded_by, me.actor.subject);
        assert_eq!((message.status.as_str(), message.attempts), ("pending", 0));
        assert_eq!(message.next_attempt_at, test_moment().stored());
        // A touch already sent is only recorded.
        let sent = NewTouch {
            sent_at: Some(test_moment().instant() - Duration::hours(1)),
            ..email(Some("Notice"), Some(" a@b.cn "))
        };
        let (recorded, none) = record_touch(&mut connection, &me, sent).unwrap();
        assert!(none.is_none());
        assert_eq!(recorded.recipient, "a@b.cn");

        let (found, found_message) = find_touch(&mut connection, &touch.id).unwrap();
        assert_eq!(found.id, touch.id);
        assert_eq!(found_message.unwrap().id, message.id);
        assert!(matches!(
            find_touch(&mut connection, "missing"),
            Err(ServiceError::NotFound(_))
        ));
        let pending = outbox(&mut connection, Some(OutboxStatus::Pending), None, 10).unwrap();
        assert_eq!(pending.len(), 1);
        assert!(
            outbox(&mut connection, Some(OutboxStatus::Failed), None, 10)
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    care_2_only_a_failed_message_is_retried_at_its_version,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let who = customer(&mut connection);
        let me = caller(&mut connection);
        let (_, message) = record_touch(&mut connection, &me, sms(&who)).unwrap();
        let id = message.unwrap().id;

        assert!(matches!(
            retry_message(&mut connection, &actor(), &id, 1),
            Err(ServiceError::Conflict(_))
        ));
        db.execute(&format!(
            "UPDATE outbox SET status = 'failed', attempts = 5, last_error = 'refused' WHERE id = '{id}'"
        ));
        assert!(matches!(
            retry_message(&mut connection, &actor(), &id, 2),
            Err(ServiceError::Stale(_))
        ));
        assert!(matches!(
            retry_message(&mut connection, &actor(), "missing", 1),
            Err(ServiceError::NotFound(_))
        ));
        let retried = retry_message(&mut connection, &actor(), &id, 1).unwrap();
        assert_eq!(retried.status, "pending");
        assert_eq!(retried.attempts, 0);
        assert_eq!(retried.version, 2);
        assert_eq!(retried.last_error.as_deref(), Some("refused"));
    }
);

both_backends!(
    care_2_a_customer_is_overdue_from_the_fifteenth_day,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let who = customer(&mut connection);
        let policy = TouchPolicy::default();
        let created = test_moment().today();

        // Never touched: counted from the day it was created.
        let day_14 = created + Duration::days(14);
        assert!(
            overdue_customers(&mut connection, &policy, day_14, None, 10)
                .unwrap()
                .is_empty()
        );
        let day_15 = created + Duration::days(15);
        let overdue = overdue_customers(&mut connection, &policy, day_15, None, 10).unwrap();
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].customer.id, who);
        assert_eq!(overdue[0].days_since_last_touch, 15);
        let later = overdue_customers(
            &mut connection,
            &policy,
            created + Duration::days(20),
            None,
            10,
        )
        .unwrap();
        assert_eq!(later[0].days_since_last_touch, 20);

        // A touch sent today starts the count again.
        let sent = NewTouch {
            sent_at: Some(test_moment().instant()),
            ..sms(&who)
        };
        let me = caller(&mut connection);
        record_touch(&mut connection, &me, sent).unwrap();
        assert!(
            overdue_customers(&mut connection, &policy, day_14, None, 10)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            overdue_customers(&mut connection, &policy, day_15, None, 10)
                .unwrap()
                .len(),
            1
        );
    }
);
