//! SeaORM entities, in the shape `sea-orm-cli generate entity` writes them.
//! Behaviour lives in `services`, not here.

pub mod control;
pub mod tenant;
