//! SET-1 and SET-6 through the service, on both backends: registering partners (only a
//! franchisee has a contract split, adding up to 100), listing them (a partner token lists
//! itself only), and the credentials a partner signs in with.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::role::Role;
use zhidu_domain::settlement::PartnerType;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::access::partners::visible_partner;
use zhidu_service::partners::{self, NewPartner, Partner};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::actor;

fn register(
    connection: &mut DbConnection,
    partner_type: PartnerType,
    contract_split: Option<(u32, u32)>,
) -> Result<Partner, ServiceError> {
    partners::create_partner(
        connection,
        &actor(),
        &NewPartner {
            partner_type,
            name: format!(" {} ", partner_type.as_str()),
            region: "四川".into(),
            contract_split,
        },
    )
}

fn refused_field<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::FieldRefused { field, message }) => format!("{field}: {message}"),
        other => panic!("expected a refused field, got {other:?}"),
    }
}

both_backends!(
    set_6_only_a_franchisee_has_a_contract_split_adding_up_to_100,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        assert_eq!(
            refused_field(register(
                &mut connection,
                PartnerType::Insurer,
                Some((60, 40))
            )),
            "contract_split: only a franchisee has a profit split (SET-6)"
        );
        assert_eq!(
            refused_field(register(
                &mut connection,
                PartnerType::Franchisee,
                Some((60, 30))
            )),
            "contract_split: the company and franchisee parts must add up to 100"
        );
        let franchisee =
            register(&mut connection, PartnerType::Franchisee, Some((55, 45))).unwrap();
        assert_eq!(franchisee.name, "franchisee");
        assert_eq!(franchisee.split_company_part, Some(55));
        assert_eq!(franchisee.split_franchisee_part, Some(45));
        assert_eq!(
            partners::partner_type(&franchisee).unwrap(),
            PartnerType::Franchisee
        );
    }
);

both_backends!(
    set_1_a_partner_token_lists_and_reads_itself_only_until_revoked,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let insurer = register(&mut connection, PartnerType::Insurer, None).unwrap();
        let carrier = register(&mut connection, PartnerType::Carrier, None).unwrap();
        let credential = partners::issue_credential(
            &mut connection,
            &actor(),
            &insurer.id,
            "partner-insurer".into(),
            "hash".into(),
        )
        .unwrap();
        let missing = partners::issue_credential(
            &mut connection,
            &actor(),
            "no-such-partner",
            "partner-nobody".into(),
            "hash".into(),
        );
        assert!(
            matches!(missing, Err(ServiceError::NotFound(_))),
            "{missing:?}"
        );
        let token = Caller {
            roles: vec![Role::Partner],
            actor: Actor {
                subject: credential.client_id.clone(),
                ..actor()
            },
        };
        let finance = Caller {
            roles: vec![Role::Finance],
            actor: actor(),
        };
        let ids = |rows: Vec<Partner>| rows.into_iter().map(|p| p.id).collect::<Vec<_>>();

        let own = partners::list_partners(&mut connection, &token, None, None, 50).unwrap();
        assert_eq!(ids(own), vec![insurer.id.clone()]);
        let other_kind = partners::list_partners(
            &mut connection,
            &token,
            Some(PartnerType::Carrier),
            None,
            50,
        )
        .unwrap();
        assert!(other_kind.is_empty());
        let every = partners::list_partners(&mut connection, &finance, None, None, 50).unwrap();
        assert_eq!(every.len(), 2);
        let carriers = partners::list_partners(
            &mut connection,
            &finance,
            Some(PartnerType::Carrier),
            None,
            50,
        )
        .unwrap();
        assert_eq!(ids(carriers), vec![carrier.id.clone()]);

        // Another partner's id is not found, as if it did not exist.
        let probed = visible_partner(&mut connection, &token, &carrier.id);
        assert!(
            matches!(probed, Err(ServiceError::NotFound(_))),
            "{probed:?}"
        );
        assert_eq!(
            visible_partner(&mut connection, &token, &insurer.id)
                .unwrap()
                .id,
            insurer.id
        );

        let (signed_in, partner) = partners::signing_in(&mut connection, "partner-insurer")
            .unwrap()
            .unwrap();
        assert_eq!(partner.id, insurer.id);
        assert!(signed_in.revoked_at.is_none());
        // A credential is revoked under its own partner only.
        let wrong =
            partners::revoke_credential(&mut connection, &actor(), &carrier.id, "partner-insurer");
        assert!(matches!(wrong, Err(ServiceError::NotFound(_))), "{wrong:?}");
        partners::revoke_credential(&mut connection, &actor(), &insurer.id, "partner-insurer")
            .unwrap();
        let revoked = partners::list_partners(&mut connection, &token, None, None, 50);
        assert!(
            matches!(revoked, Err(ServiceError::Unauthorized(_))),
            "{revoked:?}"
        );
        let kept = partners::credentials_of(&mut connection, &insurer.id).unwrap();
        assert_eq!(kept.len(), 1);
        assert!(kept[0].revoked_at.is_some());
    }
);
