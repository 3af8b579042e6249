//! Which teams own which repositories: the engine that decides it from the
//! rules, labels and decisions (pure, no database), and the assignments that
//! store its answer. May import: `org`'s entities and services, `model`.

pub mod assignments;
pub mod engine;
