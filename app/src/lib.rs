//! Sổ tay đảng viên điện tử — routes, pages and server functions shared by server and browser.

pub mod announcements;
pub mod assistant;
pub mod auth;
pub mod common;
pub mod consultations;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod documents;
pub mod error;
pub mod meetings;
pub mod members;
pub mod notifications;
pub mod offline;
pub mod pwa;
pub mod questions;
pub mod reading;
#[cfg(feature = "ssr")]
pub mod spreadsheet;
#[cfg(feature = "ssr")]
pub mod state;
pub mod ui;
pub mod units;
pub mod validate;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::auth::Auth;
use crate::ui::{Layout, NotFound};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="vi">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <meta name="apple-mobile-web-app-capable" content="yes" />
                <meta name="apple-mobile-web-app-title" content="Sổ tay ĐV" />
                // The stylesheet's name carries its fingerprint in a release build (`hash-files`).
                <HashedStylesheet options=options.clone() id="leptos" />
                <script inner_html=pwa::RECOVERY_SCRIPT></script>
                <script inner_html=pwa::IDLE_DEADLINE_SCRIPT></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=cfg!(feature = "islands") />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Auth::provide();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Sổ tay đảng viên điện tử".to_string() } else { format!("{page} · Sổ tay đảng viên") }
        } />
        <Meta name="description" content="Sổ tay đảng viên điện tử Đảng bộ tỉnh Hậu Giang" />
        <Meta name="theme-color" content="#b71c1c" />
        <Link rel="icon" href="/favicon.svg" />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=crate::ui::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/dang-nhap") view=crate::auth::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/kich-hoat") view=crate::auth::ActivationPage ssr=SsrMode::Async />
                    <Route path=path!("/doi-mat-khau") view=crate::auth::ChangePasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/to-chuc") view=crate::units::UnitTreePage ssr=SsrMode::Async />
                    <Route path=path!("/to-chuc/:id") view=crate::units::UnitPage ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien") view=crate::members::MemberListPage ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien/moi") view=crate::members::NewMemberPage ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien/kich-hoat") view=crate::members::ActivationCodesPage ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien/nhap") view=crate::members::MemberImportPage ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien/:id") view=crate::members::MemberProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu") view=crate::documents::LibraryPage ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu/moi") view=crate::documents::DocumentEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu/:id") view=crate::documents::DocumentPage ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu/:id/sua") view=crate::documents::DocumentEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/can-doc") view=crate::reading::RequiredReadingPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat") view=crate::meetings::MeetingsListPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/moi") view=crate::meetings::PlanMeetingPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/thang-diem") view=crate::meetings::RubricEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id") view=crate::meetings::MeetingPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id/bien-ban") view=crate::meetings::MinutesPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id/ma-qr") view=crate::meetings::QrScreenPage ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id/co-mat") view=crate::meetings::CheckInPage ssr=SsrMode::Async />
                    <Route path=path!("/bao-cao-doc/:id") view=crate::reading::ReadingReportPage ssr=SsrMode::Async />
                    <Route path=path!("/bao-cao-sinh-hoat") view=crate::meetings::MeetingReportPage ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap") view=crate::questions::AskPage ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/tiep-nhan") view=crate::questions::QuestionInboxPage ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/chung") view=crate::questions::FaqPage ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/bao-cao") view=crate::questions::QuestionReportPage ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/:id") view=crate::questions::QuestionPage ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien") view=crate::consultations::ConsultationsPage ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien/moi") view=crate::consultations::NewConsultationPage ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien/:id") view=crate::consultations::ConsultationPage ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien/:id/tong-hop") view=crate::consultations::ConsultationDigestPage ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao-cua-toi/cai-dat") view=crate::notifications::NotificationSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao-cua-toi") view=crate::notifications::NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/ngoai-tuyen") view=crate::offline::OfflinePage ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao") view=crate::announcements::AnnouncementsPage ssr=SsrMode::Async />
                    <Route path=path!("/tro-ly") view=crate::assistant::AssistantPage ssr=SsrMode::Async />
                    <Route path=path!("/tro-ly/bao-cao") view=crate::assistant::AssistantReportPage ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao/moi") view=crate::announcements::NewAnnouncementPage ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao/:id") view=crate::announcements::AnnouncementPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
