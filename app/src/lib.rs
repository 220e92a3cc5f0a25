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
pub mod routes;
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
use leptos_router::{Lazy, SsrMode, path};

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
                <AutoReload options=options.clone() />
                <HydrationScripts options />
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
                    <Route path=path!("/") view={Lazy::<routes::HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/dang-nhap") view={Lazy::<routes::LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/doi-mat-khau") view={Lazy::<routes::ChangePasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/to-chuc") view={Lazy::<routes::UnitTreeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/to-chuc/:id") view={Lazy::<routes::UnitRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien") view={Lazy::<routes::MemberListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien/moi") view={Lazy::<routes::NewMemberRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/dang-vien/:id") view={Lazy::<routes::MemberProfileRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu") view={Lazy::<routes::LibraryRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu/moi") view={Lazy::<routes::DocumentEditorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu/:id") view={Lazy::<routes::DocumentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tai-lieu/:id/sua") view={Lazy::<routes::DocumentEditorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/can-doc") view={Lazy::<routes::RequiredReadingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat") view={Lazy::<routes::MeetingsListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/moi") view={Lazy::<routes::PlanMeetingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/thang-diem") view={Lazy::<routes::RubricEditorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id") view={Lazy::<routes::MeetingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id/bien-ban") view={Lazy::<routes::MinutesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id/ma-qr") view={Lazy::<routes::QrScreenRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sinh-hoat/:id/co-mat") view={Lazy::<routes::CheckInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/bao-cao-doc/:id") view={Lazy::<routes::ReadingReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/bao-cao-sinh-hoat") view={Lazy::<routes::MeetingReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap") view={Lazy::<routes::AskRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/tiep-nhan") view={Lazy::<routes::QuestionInboxRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/chung") view={Lazy::<routes::FaqRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/bao-cao") view={Lazy::<routes::QuestionReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/hoi-dap/:id") view={Lazy::<routes::QuestionRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien") view={Lazy::<routes::ConsultationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien/moi") view={Lazy::<routes::NewConsultationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien/:id") view={Lazy::<routes::ConsultationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/xin-y-kien/:id/tong-hop") view={Lazy::<routes::ConsultationDigestRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao-cua-toi/cai-dat") view={Lazy::<routes::NotificationSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao-cua-toi") view={Lazy::<routes::NotificationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/ngoai-tuyen") view={Lazy::<routes::OfflineRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao") view={Lazy::<routes::AnnouncementsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tro-ly") view={Lazy::<routes::AssistantRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tro-ly/bao-cao") view={Lazy::<routes::AssistantReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao/moi") view={Lazy::<routes::NewAnnouncementRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/thong-bao/:id") view={Lazy::<routes::AnnouncementRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
