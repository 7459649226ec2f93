//! Why a decision says no.

/// A decision's refusal: the rule that refuses and the text the caller is shown, exactly as
/// the API words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {detail}")]
pub struct Refusal {
    pub rule: &'static str,
    pub detail: String,
}

impl Refusal {
    pub fn new(rule: &'static str, detail: impl Into<String>) -> Self {
        Refusal {
            rule,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_shows_its_rule_then_its_detail() {
        let refusal = Refusal::new("AR-4", "the entry is paid in full");
        assert_eq!(refusal.rule, "AR-4");
        assert_eq!(refusal.to_string(), "AR-4: the entry is paid in full");
    }
}
