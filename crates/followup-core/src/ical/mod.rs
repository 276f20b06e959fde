//! iCalendar interop: interview invitations and holiday calendars in, the planned
//! steps out as events with reminders.

pub mod export;
pub mod import;
