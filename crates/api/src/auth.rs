//! Who is calling: password hashing, signed tokens, and one extractor per role requirement.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use zhidu_service::access::{Identity, roles};
use zhidu_store::audit::Actor;
use zhidu_store::clock::security_now;

use crate::error::ApiError;
use crate::state::AppState;

pub use zhidu_domain::role::Role;

/// Roles as stored on a user row: space-separated names.
pub fn roles_from_text(text: &str) -> Vec<Role> {
    text.split_whitespace()
        .filter_map(|r| r.parse().ok())
        .collect()
}

/// argon2id with its default parameters; run it in `web::block`, it is meant to be slow.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A real argon2id hash of a random password, verified against when the username is unknown
/// so that "no such user" and "wrong password" take the same time.
pub fn decoy_hash() -> String {
    hash_password(&crate::config::random_secret(16)).unwrap_or_default()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub name: String,
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signs and checks tokens: HS256 only, with `exp`, `iss` and `aud` required.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_seconds: i64,
    /// Tokens whose signature was already checked, by their full text: a client sends the
    /// same token for an hour, and checking it (base64, HMAC, two JSON parses) was half the
    /// cost of a cheap request. Expiry is still checked on every use.
    verified: Mutex<HashMap<String, Arc<Claims>>>,
}

/// Verified tokens kept at most; the cache is emptied when full (tokens are re-verified).
const VERIFIED_TOKENS_KEPT: usize = 4096;

pub const ISSUER: &str = "zhidu";
pub const AUDIENCE: &str = "zhidu-api";

impl TokenKeys {
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds,
            verified: Mutex::new(HashMap::new()),
        }
    }

    pub fn issue(
        &self,
        subject: &str,
        name: &str,
        roles: Vec<Role>,
        partner_id: Option<String>,
    ) -> Result<String, ApiError> {
        let now = security_now().unix_timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            name: name.to_owned(),
            roles,
            partner_id,
            iat: now,
            exp: now + self.ttl_seconds,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Arc<Claims>, ApiError> {
        let now = security_now().unix_timestamp();
        let cached = self
            .verified
            .lock()
            .ok()
            .and_then(|cache| cache.get(token).cloned());
        if let Some(claims) = cached {
            return if claims.exp > now - self.validation.leeway as i64 {
                Ok(claims)
            } else {
                Err(ApiError::unauthorized(
                    "the bearer token is not valid: ExpiredSignature",
                ))
            };
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| Arc::new(data.claims))
            .map_err(|e| ApiError::unauthorized(format!("the bearer token is not valid: {e}")))?;
        if let Ok(mut cache) = self.verified.lock() {
            if cache.len() >= VERIFIED_TOKENS_KEPT {
                cache.clear();
            }
            cache.insert(token.to_owned(), claims.clone());
        }
        Ok(claims)
    }
}

/// A role requirement: the roles of which a caller must hold at least one.
pub trait Policy {
    const ROLES: &'static [Role];
}

/// The authenticated caller, admitted by policy `P`.
#[derive(Debug)]
pub struct Authorized<P> {
    pub claims: Arc<Claims>,
    pub actor: Actor,
    policy: PhantomData<P>,
}

impl<P> Identity for Authorized<P> {
    fn subject(&self) -> &str {
        &self.claims.sub
    }

    fn roles(&self) -> &[Role] {
        &self.claims.roles
    }

    fn actor(&self) -> &Actor {
        &self.actor
    }
}

impl<P: Policy> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(authorize::<P>(request))
    }
}

fn authorize<P: Policy>(request: &HttpRequest) -> Result<Authorized<P>, ApiError> {
    let state = request
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let header = request.headers().get(AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            "send Authorization: Bearer <token> (POST /api/v1/auth/token issues one)",
        )
    })?;
    let token = header
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(|| {
            ApiError::unauthorized("the Authorization header must be: Bearer <token>")
        })?;
    let claims = state.tokens.verify(token.trim())?;
    if !claims.roles.iter().any(|role| P::ROLES.contains(role)) {
        let allowed: Vec<&str> = P::ROLES.iter().map(|r| r.as_str()).collect();
        return Err(ApiError::forbidden(format!(
            "this needs one of the roles: {}",
            allowed.join(", ")
        )));
    }
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string);
    let actor = Actor {
        subject: claims.sub.clone(),
        request_id,
        at: state.now(),
    };
    Ok(Authorized {
        claims,
        actor,
        policy: PhantomData,
    })
}

/// An extractor's policy admits by one of the role sets of `zhidu_service::access::roles`,
/// where each set says what it grants.
macro_rules! policy {
    ($name:ident => $roles:path) => {
        #[doc = concat!("Admits the roles of `", stringify!($roles), "`.")]
        #[derive(Debug)]
        pub struct $name;
        impl Policy for $name {
            const ROLES: &'static [Role] = $roles;
        }
    };
}

policy!(Staff => roles::STAFF);
policy!(Admins => roles::ADMINS);
policy!(PolicyAdmins => roles::POLICY_ADMINS);
policy!(CustomerEditors => roles::CUSTOMER_EDITORS);
policy!(FinanceDesk => roles::FINANCE_DESK);
policy!(Managers => roles::MANAGERS);
policy!(PeopleAdmins => roles::PEOPLE_ADMINS);
policy!(PerformanceRecorders => roles::PERFORMANCE_RECORDERS);
policy!(PartnerAdmins => roles::PARTNER_ADMINS);
policy!(GeneralManagers => roles::GENERAL_MANAGERS);
policy!(SettlementDesk => roles::SETTLEMENT_DESK);
policy!(PartnerCallers => roles::PARTNER_CALLERS);
policy!(PartnerReaders => roles::PARTNER_READERS);
policy!(PeopleOverseers => roles::PEOPLE_OVERSEERS);
policy!(PayrollDesk => roles::PAYROLL_DESK);
policy!(PayrollApprovers => roles::PAYROLL_APPROVERS);
policy!(PayrollComputers => roles::PAYROLL_COMPUTERS);
policy!(ServiceDesk => roles::SERVICE_DESK);
policy!(CsManagers => roles::CS_MANAGERS);
policy!(AccountabilityOfficers => roles::ACCOUNTABILITY_OFFICERS);
policy!(DisciplineOfficers => roles::DISCIPLINE_OFFICERS);
policy!(CareStaff => roles::CARE_STAFF);
policy!(RenewalDirectors => roles::RENEWAL_DIRECTORS);
policy!(CustomerService => roles::CUSTOMER_SERVICE);
policy!(Auditors => roles::AUDITORS);
policy!(Supervisors => roles::SUPERVISORS);
policy!(Trainers => roles::TRAINERS);
policy!(MeetingHostSetters => roles::MEETING_HOST_SETTERS);

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-test-secret-that-is-long-enough-0123456789";

    #[test]
    fn an_issued_token_verifies_with_its_roles() {
        let keys = TokenKeys::new(SECRET, 3600);
        let token = keys
            .issue("u1", "li.na", vec![Role::Hr, Role::Manager], None)
            .unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.roles.as_slice()),
            ("u1", &[Role::Hr, Role::Manager][..])
        );
        assert_eq!(claims.exp - claims.iat, 3600);
        // The second check is answered from the cache, with the same claims.
        assert_eq!(keys.verify(&token).unwrap().sub, "u1");
    }

    #[test]
    fn another_key_or_another_algorithm_is_refused() {
        let keys = TokenKeys::new(SECRET, 3600);
        let other = TokenKeys::new(b"another-secret-that-is-long-enough-987654321", 3600);
        let forged = other.issue("u1", "x", vec![Role::Admin], None).unwrap();
        assert!(keys.verify(&forged).is_err());
        let now = security_now().unix_timestamp();
        let claims = Claims {
            sub: "u1".into(),
            name: "x".into(),
            roles: vec![Role::Admin],
            partner_id: None,
            iat: now,
            exp: now + 60,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(
            keys.verify(&hs512).is_err(),
            "the algorithm is pinned to HS256"
        );
        let wrong_audience = Claims {
            aud: "someone-else".into(),
            ..claims
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &wrong_audience,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(keys.verify(&token).is_err(), "aud is checked");
    }

    #[test]
    fn an_expired_token_is_refused_even_from_the_cache() {
        let expired = TokenKeys::new(SECRET, -60);
        let token = expired.issue("u1", "x", vec![Role::Admin], None).unwrap();
        assert!(expired.verify(&token).is_err());

        let keys = TokenKeys::new(SECRET, 3600);
        let token = keys.issue("u1", "x", vec![Role::Admin], None).unwrap();
        let mut claims = (*keys.verify(&token).unwrap()).clone();
        claims.exp = security_now().unix_timestamp() - 60;
        keys.verified
            .lock()
            .unwrap()
            .insert(token.clone(), Arc::new(claims));
        assert!(keys.verify(&token).is_err());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let keys = TokenKeys::new(SECRET, 3600);
        for n in 0..=VERIFIED_TOKENS_KEPT {
            let token = keys
                .issue(&format!("u{n}"), "x", vec![Role::Employee], None)
                .unwrap();
            keys.verify(&token).unwrap();
        }
        assert!(keys.verified.lock().unwrap().len() <= VERIFIED_TOKENS_KEPT);
    }
}
