//! Facts about a customer that several rules read.

use serde::{Deserialize, Serialize};

/// Urban or rural service area: SLA installation targets and maintainer loads depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AreaType {
    Urban,
    Rural,
}

impl AreaType {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaType::Urban => "urban",
            AreaType::Rural => "rural",
        }
    }

    pub fn parse(text: &str) -> Option<AreaType> {
        match text {
            "urban" => Some(AreaType::Urban),
            "rural" => Some(AreaType::Rural),
            _ => None,
        }
    }
}
