//! Who may read or act on what. Each permission is stated once, here: the role sets the
//! API's extractors admit by, and the row-level checks a use case makes after that.

pub mod employees;
pub mod partners;
pub mod roles;

use zhidu_domain::role::Role;
use zhidu_store::audit::Actor;

/// Whoever is calling, as a use case needs to know them. The API implements it for its
/// authenticated caller; [`Caller`] implements it for everything else (tests, jobs).
pub trait Identity {
    /// The user id or partner client id.
    fn subject(&self) -> &str;
    fn roles(&self) -> &[Role];
    /// Who acts and when, for audit rows and business times.
    fn actor(&self) -> &Actor;

    /// Whether the caller holds any of `roles`.
    fn has_any(&self, roles: &[Role]) -> bool {
        self.roles().iter().any(|role| roles.contains(role))
    }
}

impl<T: Identity> Identity for std::sync::Arc<T> {
    fn subject(&self) -> &str {
        T::subject(self)
    }

    fn roles(&self) -> &[Role] {
        T::roles(self)
    }

    fn actor(&self) -> &Actor {
        T::actor(self)
    }
}

/// An identity outside HTTP.
#[derive(Debug, Clone)]
pub struct Caller {
    pub roles: Vec<Role>,
    pub actor: Actor,
}

impl Identity for Caller {
    fn subject(&self) -> &str {
        &self.actor.subject
    }

    fn roles(&self) -> &[Role] {
        &self.roles
    }

    fn actor(&self) -> &Actor {
        &self.actor
    }
}
