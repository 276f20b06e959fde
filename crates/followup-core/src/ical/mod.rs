//! iCalendar interop: interview invitations and holiday calendars in.

pub mod import;
