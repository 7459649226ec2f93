//! Policies as effective-dated data (issue 18): the areas of the rules, a version of an area's
//! values, the problems that refuse a new version, and what changed between two versions.

use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::text_enum::text_enum;

text_enum! {
    /// One family of rules whose numbers change together.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum PolicyArea {
        Tier = "tier",
        Sla = "sla",
        Publication = "publication",
    }
}

/// An area's values as in force from `effective_from`, under its version number. It reads as
/// its values, so a rule written for the values takes the version as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce<T> {
    pub version: i64,
    pub effective_from: Date,
    pub values: T,
}

impl<T> std::ops::Deref for InForce<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.values
    }
}

/// Why a new version's values break the area's invariants, naming the field (a dotted path
/// under `values`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyProblem {
    pub field: String,
    pub message: String,
}

impl PolicyProblem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyProblem {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// One value that differs between two versions: its dotted path, and the value before and
/// after (absent where the path did not exist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueChange {
    pub path: String,
    pub from: Option<Value>,
    pub to: Option<Value>,
}

/// What changed from `before` to `after`: objects are compared key by key, anything else
/// (numbers, strings, lists) as a whole, so a changed ladder shows as one change.
pub fn value_changes(before: &Value, after: &Value) -> Vec<ValueChange> {
    let mut changes = Vec::new();
    collect_changes("", Some(before), Some(after), &mut changes);
    changes
}

fn collect_changes(
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    changes: &mut Vec<ValueChange>,
) {
    match (before, after) {
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let nested = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                collect_changes(&nested, old.get(key), new.get(key), changes);
            }
        }
        (old, new) if old != new => changes.push(ValueChange {
            path: path.to_owned(),
            from: old.cloned(),
            to: new.cloned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_each_differing_leaf_and_lists_as_a_whole() {
        let before = json!({"tier_a": {"quarterly_revenue": "5000.00", "referrals": 3}, "ladder": ["0.00", "10.00"], "gone": 1});
        let after = json!({"tier_a": {"quarterly_revenue": "6000.00", "referrals": 3}, "ladder": ["0.00", "20.00"], "added": true});
        assert_eq!(
            value_changes(&before, &after),
            vec![
                ValueChange {
                    path: "added".into(),
                    from: None,
                    to: Some(json!(true))
                },
                ValueChange {
                    path: "gone".into(),
                    from: Some(json!(1)),
                    to: None
                },
                ValueChange {
                    path: "ladder".into(),
                    from: Some(json!(["0.00", "10.00"])),
                    to: Some(json!(["0.00", "20.00"]))
                },
                ValueChange {
                    path: "tier_a.quarterly_revenue".into(),
                    from: Some(json!("5000.00")),
                    to: Some(json!("6000.00"))
                },
            ]
        );
        assert!(value_changes(&after, &after).is_empty());
    }
}
