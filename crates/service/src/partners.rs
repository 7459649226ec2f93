//! SET-1: partners as the settlement use cases read them.

use zhidu_domain::settlement::PartnerType;
use zhidu_store::partners::Partner;
use zhidu_store::{StoreResult, read_stored};

/// The partner's type as stored.
pub fn partner_type(partner: &Partner) -> StoreResult<PartnerType> {
    read_stored(&partner.partner_type)
}
