//! Facts about a customer that several rules read, and its AR-1 archive.

use serde::{Deserialize, Serialize};

use crate::text_enum::text_enum;

text_enum! {
    /// Urban or rural service area: SLA installation targets and maintainer loads depend on it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum AreaType {
        Urban = "urban",
        Rural = "rural",
    }
}

text_enum! {
    /// AR-1: the fields of the customer archive (客户档案), in the archive's order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ArchiveField {
        FullName = "full_name",
        Address = "address",
        Postcode = "postcode",
        Phone = "phone",
        BankAccount = "bank_account",
        BankName = "bank_name",
        LegalRepresentative = "legal_representative",
    }
}

/// AR-1: one customer's archive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerArchive {
    pub full_name: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub bank_account: String,
    pub bank_name: String,
    pub legal_representative: String,
}

impl CustomerArchive {
    /// AR-1: a customer is archived under its full name, kept without surrounding spaces; the
    /// other fields are kept as given and stay blank until given.
    pub fn new(full_name: &str) -> Self {
        CustomerArchive {
            full_name: full_name.trim().to_owned(),
            ..CustomerArchive::default()
        }
    }

    pub fn field(&self, field: ArchiveField) -> &str {
        match field {
            ArchiveField::FullName => &self.full_name,
            ArchiveField::Address => &self.address,
            ArchiveField::Postcode => &self.postcode,
            ArchiveField::Phone => &self.phone,
            ArchiveField::BankAccount => &self.bank_account,
            ArchiveField::BankName => &self.bank_name,
            ArchiveField::LegalRepresentative => &self.legal_representative,
        }
    }

    /// AR-1: the archive fields still blank, in the archive's order; an archive is complete
    /// when none is.
    pub fn blank_fields(&self) -> Vec<ArchiveField> {
        ArchiveField::ALL
            .into_iter()
            .filter(|field| self.field(*field).trim().is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text_enum::{assert_round_trips, assert_serde_names_match};

    #[test]
    fn ar_1_the_archive_holds_the_seven_fields() {
        assert_eq!(
            ArchiveField::ALL.map(ArchiveField::as_str),
            [
                "full_name",
                "address",
                "postcode",
                "phone",
                "bank_account",
                "bank_name",
                "legal_representative"
            ]
        );
        let archive = CustomerArchive::new("  石家庄恒信网络科技有限公司 ");
        assert_eq!(archive.full_name, "石家庄恒信网络科技有限公司");
        assert_eq!(
            archive.blank_fields(),
            ArchiveField::ALL[1..].to_vec(),
            "everything but the name is blank until given"
        );
        let complete = CustomerArchive {
            address: "石家庄市中山西路 1 号".into(),
            postcode: "050000".into(),
            phone: "0311-86000000".into(),
            bank_account: "6222 0000 0000 0000".into(),
            bank_name: "中国工商银行石家庄分行".into(),
            legal_representative: "张三".into(),
            ..archive
        };
        assert!(complete.blank_fields().is_empty());
        let spaces = CustomerArchive {
            phone: "   ".into(),
            ..complete
        };
        assert_eq!(spaces.blank_fields(), [ArchiveField::Phone]);
    }

    #[test]
    fn customer_stored_texts_round_trip() {
        assert_round_trips(&AreaType::ALL, AreaType::as_str);
        assert_serde_names_match(&AreaType::ALL, AreaType::as_str);
        assert_eq!(AreaType::ALL.map(AreaType::as_str), ["urban", "rural"]);
        assert_eq!("rural".parse::<AreaType>().ok(), Some(AreaType::Rural));
        assert_eq!("Rural".parse::<AreaType>().ok(), None);
        assert_round_trips(&ArchiveField::ALL, ArchiveField::as_str);
        assert_serde_names_match(&ArchiveField::ALL, ArchiveField::as_str);
    }
}
