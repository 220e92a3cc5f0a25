//! Demo data, seeded only when asked (`server seed`, or `SOTAY_SEED_DEMO=true` at start-up;
//! never on a production start): the province with its members and library (`province`), a
//! year of meetings (`meetings`), a draft under consultation (`consultations`) and a month of
//! questions to the assistant (`assistant`). Server-only; production code never calls into it.

pub mod assistant;
pub mod consultations;
pub mod meetings;
pub mod province;
