//! Chapter: asyncio.

use crate::demo::Demo;

/// The demos of this chapter, in the seed's order.
pub const DEMOS: &[Demo] = &[];
