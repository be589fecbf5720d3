//! ELBv2 `2015-12-01`: the protocol and its error shape are served; no
//! action yet (every one answers `InvalidAction`), see issue 15.

use crate::aws::Action;

pub const ACTIONS: &[Action] = &[];
