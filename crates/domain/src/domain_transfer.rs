//! CARE-6: what a transfer of a domain out of the company's management needs before approval.

use serde::Serialize;

/// One of the three things CARE-6 requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferRequirement {
    /// The company's proof document.
    ProofDocument,
    /// The customer general manager's signature.
    GeneralManagerSignature,
    /// The confirming phone call by customer service.
    ConfirmationCall,
}

impl TransferRequirement {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferRequirement::ProofDocument => "proof_document",
            TransferRequirement::GeneralManagerSignature => "general_manager_signature",
            TransferRequirement::ConfirmationCall => "confirmation_call",
        }
    }
}

/// What has been recorded for a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransferEvidence {
    pub proof_document: bool,
    pub general_manager_signature: bool,
    pub confirmation_call: bool,
}

/// CARE-6: every requirement still missing, in the rule's order; approval waits until this
/// is empty.
pub fn transfer_missing(evidence: TransferEvidence) -> Vec<TransferRequirement> {
    [
        (evidence.proof_document, TransferRequirement::ProofDocument),
        (
            evidence.general_manager_signature,
            TransferRequirement::GeneralManagerSignature,
        ),
        (
            evidence.confirmation_call,
            TransferRequirement::ConfirmationCall,
        ),
    ]
    .into_iter()
    .filter(|(recorded, _)| !recorded)
    .map(|(_, requirement)| requirement)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use TransferRequirement::*;

    #[test]
    fn care_6_names_every_missing_requirement() {
        assert_eq!(
            transfer_missing(TransferEvidence::default()),
            vec![ProofDocument, GeneralManagerSignature, ConfirmationCall]
        );
        let two = TransferEvidence {
            proof_document: true,
            general_manager_signature: true,
            confirmation_call: false,
        };
        assert_eq!(transfer_missing(two), vec![ConfirmationCall]);
        let only_call = TransferEvidence {
            confirmation_call: true,
            ..TransferEvidence::default()
        };
        assert_eq!(
            transfer_missing(only_call),
            vec![ProofDocument, GeneralManagerSignature]
        );
        let all = TransferEvidence {
            proof_document: true,
            general_manager_signature: true,
            confirmation_call: true,
        };
        assert!(transfer_missing(all).is_empty());
    }
}
