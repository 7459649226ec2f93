//! The roles of DESIGN.md: what a caller is to the company. Which role may do what is
//! decided in `zhidu-service`'s access module; this is only the vocabulary.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The roles of DESIGN.md. A token carries one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
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
    Partner,
    /// Issue 18: writes new policy versions (with `admin`).
    PolicyAdmin,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Admin,
        Role::GeneralManager,
        Role::Manager,
        Role::Hr,
        Role::Finance,
        Role::Marketing,
        Role::CsAgent,
        Role::CsManager,
        Role::Technician,
        Role::Employee,
        Role::Partner,
        Role::PolicyAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::GeneralManager => "general_manager",
            Role::Manager => "manager",
            Role::Hr => "hr",
            Role::Finance => "finance",
            Role::Marketing => "marketing",
            Role::CsAgent => "cs_agent",
            Role::CsManager => "cs_manager",
            Role::Technician => "technician",
            Role::Employee => "employee",
            Role::Partner => "partner",
            Role::PolicyAdmin => "policy_admin",
        }
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| format!("unknown role {text:?}"))
    }
}
