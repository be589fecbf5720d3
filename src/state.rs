//! What every front's handlers can reach: the store, the settings and the
//! caches, shared by the REST front (`api`) and any other. Defined apart
//! from `app` (which assembles the routers of the fronts), so that no front
//! depends on the module that depends on it.

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::service::resolve::SnapshotCache;
use crate::store::Store;
use std::ops::Deref;
use std::sync::Arc;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    pub store: Store,
    pub settings: Settings,
    /// SHA-256 of the admin secret.
    pub admin_sha256: [u8; 32],
    pub metrics: Metrics,
    /// The route resolver's network snapshot, rebuilt when the network changes.
    pub snapshots: SnapshotCache,
}

impl AppState {
    pub fn new(store: Store, settings: Settings, admin_sha256: [u8; 32]) -> Self {
        AppState(Arc::new(AppInner {
            store,
            settings,
            admin_sha256,
            metrics: Metrics::default(),
            snapshots: Default::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}
