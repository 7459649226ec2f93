//! Issue 18: the policies every decision reads, cached in the process. A replica asks the
//! database for the policies' revision at most once per `RECHECK`, and reloads them only when
//! it moved, so a version written through another replica is seen within about a second.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use zhidu_service::policies::{self, PolicyBook};

use crate::error::ApiError;
use crate::state::AppState;

/// How long a replica trusts its copy before asking for the revision again.
const RECHECK: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Cached {
    book: Arc<PolicyBook>,
    /// When the revision was last confirmed; `None` forces a check.
    checked_at: Option<Instant>,
}

#[derive(Debug)]
pub struct PolicyCache {
    cached: RwLock<Cached>,
}

impl PolicyCache {
    pub fn new(book: PolicyBook) -> Self {
        PolicyCache {
            cached: RwLock::new(Cached {
                book: Arc::new(book),
                checked_at: Some(Instant::now()),
            }),
        }
    }

    fn read(&self) -> (Arc<PolicyBook>, bool) {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        let fresh = cached.checked_at.is_some_and(|at| at.elapsed() < RECHECK);
        (cached.book.clone(), fresh)
    }

    fn confirm(&self, book: Option<PolicyBook>) -> Arc<PolicyBook> {
        let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
        if let Some(book) = book {
            cached.book = Arc::new(book);
        }
        cached.checked_at = Some(Instant::now());
        cached.book.clone()
    }

    /// Makes the next read check the revision: this replica just wrote a version.
    pub fn invalidate(&self) {
        self.cached
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .checked_at = None;
    }
}

impl AppState {
    /// The policies as they are now (at most `RECHECK` behind another replica's write).
    pub async fn policies(&self) -> Result<Arc<PolicyBook>, ApiError> {
        let (book, fresh) = self.policy_cache.read();
        if fresh {
            return Ok(book);
        }
        let known = book.revision;
        let reloaded = self
            .read(move |connection| {
                if policies::current_revision(connection)? == known {
                    return Ok(None);
                }
                Ok(Some(PolicyBook::load(connection)?))
            })
            .await?;
        Ok(self.policy_cache.confirm(reloaded))
    }
}
