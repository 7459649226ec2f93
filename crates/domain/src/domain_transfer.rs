//! CARE-6: what a transfer of a domain out of the company's management needs before approval.

use serde::Serialize;

use crate::text_enum::text_enum;

text_enum! {
    /// One of the three things CARE-6 requires.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum TransferRequirement {
        /// The company's proof document.
        ProofDocument = "proof_document",
        /// The customer general manager's signature.
        GeneralManagerSignature = "general_manager_signature",
        /// The confirming phone call by customer service.
        ConfirmationCall = "confirmation_call",
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

text_enum! {
    /// CARE-6: where a domain transfer stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum DomainTransferStatus {
        /// Collecting the three requirements.
        Requested = "requested",
        Approved = "approved",
    }
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

    #[test]
    fn care_6_requirements_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&TransferRequirement::ALL, TransferRequirement::as_str);
        assert_serde_names_match(&TransferRequirement::ALL, TransferRequirement::as_str);
        assert_eq!(
            TransferRequirement::ALL.map(TransferRequirement::as_str),
            [
                "proof_document",
                "general_manager_signature",
                "confirmation_call"
            ]
        );
    }

    #[test]
    fn care_6_transfer_statuses_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&DomainTransferStatus::ALL, DomainTransferStatus::as_str);
        assert_serde_names_match(&DomainTransferStatus::ALL, DomainTransferStatus::as_str);
        assert_eq!(
            DomainTransferStatus::ALL.map(DomainTransferStatus::as_str),
            ["requested", "approved"]
        );
    }
}
