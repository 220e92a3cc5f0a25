//! Every page is a lazy route: built with `cargo leptos build --split`, a page's code is a
//! WebAssembly chunk of its own, fetched when the page is first opened (on the first load, before
//! hydrating), so a phone downloads the framework and the page it opens, not the whole app.
//! Without `--split` (debug builds) the same routes are ordinary code in one bundle.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A route type per page; its view is the page component, split out as its own chunk.
macro_rules! lazy_pages {
    ($($route:ident => $page:path,)*) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    AnnouncementRoute => crate::announcements::AnnouncementPage,
    AnnouncementsRoute => crate::announcements::AnnouncementsPage,
    AskRoute => crate::questions::AskPage,
    AssistantReportRoute => crate::assistant::AssistantReportPage,
    AssistantRoute => crate::assistant::AssistantPage,
    ChangePasswordRoute => crate::auth::ChangePasswordPage,
    CheckInRoute => crate::meetings::CheckInPage,
    ConsultationDigestRoute => crate::consultations::ConsultationDigestPage,
    ConsultationRoute => crate::consultations::ConsultationPage,
    ConsultationsRoute => crate::consultations::ConsultationsPage,
    DocumentEditorRoute => crate::documents::DocumentEditorPage,
    DocumentRoute => crate::documents::DocumentPage,
    FaqRoute => crate::questions::FaqPage,
    HomeRoute => crate::ui::HomePage,
    LibraryRoute => crate::documents::LibraryPage,
    LoginRoute => crate::auth::LoginPage,
    MeetingReportRoute => crate::meetings::MeetingReportPage,
    MeetingRoute => crate::meetings::MeetingPage,
    MeetingsListRoute => crate::meetings::MeetingsListPage,
    MemberListRoute => crate::members::MemberListPage,
    MemberProfileRoute => crate::members::MemberProfilePage,
    MinutesRoute => crate::meetings::MinutesPage,
    NewAnnouncementRoute => crate::announcements::NewAnnouncementPage,
    NewConsultationRoute => crate::consultations::NewConsultationPage,
    NewMemberRoute => crate::members::NewMemberPage,
    NotificationSettingsRoute => crate::notifications::NotificationSettingsPage,
    NotificationsRoute => crate::notifications::NotificationsPage,
    OfflineRoute => crate::offline::OfflinePage,
    PlanMeetingRoute => crate::meetings::PlanMeetingPage,
    QrScreenRoute => crate::meetings::QrScreenPage,
    QuestionInboxRoute => crate::questions::QuestionInboxPage,
    QuestionReportRoute => crate::questions::QuestionReportPage,
    QuestionRoute => crate::questions::QuestionPage,
    ReadingReportRoute => crate::reading::ReadingReportPage,
    RequiredReadingRoute => crate::reading::RequiredReadingPage,
    RubricEditorRoute => crate::meetings::RubricEditorPage,
    UnitRoute => crate::units::UnitPage,
    UnitTreeRoute => crate::units::UnitTreePage,
}
