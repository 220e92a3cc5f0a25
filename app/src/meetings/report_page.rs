//! `/bao-cao-sinh-hoat?don-vi=<unit>&ky=<period>`: the meetings report a committee (or a cell's
//! secretary) reads, with drill-down to child units, SVG charts and spreadsheet downloads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::meeting_report;
use super::report::{CLASS_LABELS, HISTOGRAM_LABELS, MeetingReport, MeetingStats};
use crate::common::report::Period;
use super::rubric::points_text;
use crate::auth::SessionUser;
use crate::ui::charts::{BarChart, LineChart, Series};
use crate::ui::{Loaded, WithUser};

/// 12345 → "12.345", as Vietnamese readers group thousands.
fn count_text(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Tenths of a percent → "92,5 %"; a dash when there is nothing to count.
fn percent_text(permille: Option<i64>) -> String {
    permille.map_or("—".into(), |p| format!("{} %", points_text(p as i32)))
}

fn average_text(tenths: Option<i64>) -> String {
    tenths.map_or("—".into(), |t| points_text(t as i32))
}

#[component]
pub fn MeetingReportPage() -> impl IntoView {
    let query = use_query_map();
    let unit = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok());
    let period = move || query.read().get("ky");
    let report = Resource::new(move || (unit(), period()), |(u, p)| meeting_report(u, p));
    view! {
        <Title text="Báo cáo sinh hoạt chi bộ" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=report children=|r| view! { <ReportView report=r /> } />
        } />
    }
}

#[component]
fn PeriodPicker(report: MeetingReport) -> impl IntoView {
    let mut years = report.years_available.clone();
    if !years.contains(&report.period.year) {
        years.push(report.period.year);
    }
    let current = report.period.code();
    view! {
        <form method="get" action="/bao-cao-sinh-hoat" class="inline-form" data-testid="period-picker">
            <input type="hidden" name="don-vi" value=report.unit.id />
            <label for="report-period">"Kỳ báo cáo"</label>
            <select id="report-period" name="ky">
                {years.into_iter().map(|year| view! {
                    <optgroup label=format!("Năm {year}")>
                        {Period::choices(year).into_iter().map(|p| {
                            let code = p.code();
                            let selected = code == current;
                            view! { <option value=code selected=selected>{p.label()}</option> }
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            <button type="submit" class="button">"Xem"</button>
        </form>
    }
}

#[component]
fn Figures(stats: MeetingStats) -> impl IntoView {
    let s = stats;
    view! {
        <dl class="figures" data-testid="report-figures">
            <div><dt>"Sinh hoạt thường kỳ"</dt>
                <dd data-testid="figure-regular">{format!("{}/{} tháng", count_text(s.regular_held), count_text(s.regular_due))}</dd>
                <dd class="muted">{format!("{} · {} tháng bỏ họp", percent_text(s.regular_permille()), count_text(s.regular_missing))}</dd></div>
            <div><dt>"Sinh hoạt chuyên đề"</dt>
                <dd data-testid="figure-thematic">{format!("{}/{} quý", count_text(s.thematic_held), count_text(s.thematic_due))}</dd>
                <dd class="muted">{format!("{} quý thiếu", count_text(s.thematic_missing))}</dd></div>
            <div><dt>"Tỷ lệ dự họp"</dt>
                <dd data-testid="figure-attendance">{percent_text(s.attendance_permille())}</dd>
                <dd class="muted">{format!("{} lượt vắng không lý do", count_text(s.unexcused))}</dd></div>
            <div><dt>"Điểm bình quân"</dt>
                <dd data-testid="figure-average">{average_text(s.average_tenths())}</dd>
                <dd class="muted">{format!("{} buổi đã chấm, {} chờ duyệt, {} chưa chấm", count_text(s.scored), count_text(s.awaiting_review), count_text(s.unscored))}</dd></div>
            <div><dt>"Thiếu biên bản"</dt>
                <dd data-testid="figure-minutes">{format!("{} buổi", count_text(s.minutes_missing))}</dd>
                <dd class="muted">{format!("trên {} buổi đã họp", count_text(s.held))}</dd></div>
            <div><dt>"Tài liệu đăng muộn"</dt>
                <dd data-testid="figure-documents">{format!("{} buổi", count_text(s.documents_late))}</dd>
                <dd class="muted">"không đăng hoặc đăng chưa đủ 1 ngày trước"</dd></div>
            <div><dt>"Đảng viên đánh giá (ẩn danh)"</dt>
                <dd data-testid="figure-ratings">{s.average_rating_tenths().map_or("—".to_string(), |t| format!("{} ★", points_text(t as i32)))}</dd>
                <dd class="muted">{format!("{} lượt", count_text(s.ratings))}</dd></div>
        </dl>
    }
}

#[component]
fn ReportView(report: MeetingReport) -> impl IntoView {
    let r = report;
    let t = r.totals.clone();
    let ky = r.period.code();
    let link = {
        let ky = ky.clone();
        move |unit: i64| format!("/bao-cao-sinh-hoat?don-vi={unit}&ky={ky}")
    };
    let download = |ext: &str| format!("/api/v1/meetings-report.{ext}?unit={}&ky={}", r.unit.id, ky);
    let classes: Vec<(String, i64)> = CLASS_LABELS.iter().zip(t.classes).map(|((_, l), n)| (l.to_string(), n)).collect();
    let histogram: Vec<(String, i64)> = HISTOGRAM_LABELS.iter().zip(t.histogram).map(|(l, n)| (l.to_string(), n)).collect();
    let labels: Vec<String> = r.trend.iter().map(|p| format!("T{}", p.month)).collect();
    let series = vec![
        Series { name: "Chi bộ đã SH thường kỳ (%)".into(), class: "series-held", values: r.trend.iter().map(|p| p.regular_permille).collect() },
        Series { name: "Dự họp (%)".into(), class: "series-attendance", values: r.trend.iter().map(|p| p.attendance_permille).collect() },
        Series { name: "Điểm bình quân".into(), class: "series-score", values: r.trend.iter().map(|p| p.average_tenths).collect() },
    ];
    let rows = r.rows.clone();
    let lagging = r.lagging.clone();
    let years = r.years.clone();
    let meetings = r.meetings.clone();
    view! {
        <section class="card" data-testid="meeting-report">
            <h1>"Báo cáo sinh hoạt chi bộ"</h1>
            <p class="lead" data-testid="report-scope">{r.unit.name.clone()} " · " {r.period.label()}</p>
            {r.provisional.then(|| view! { <p class="muted">"Kỳ báo cáo chưa kết thúc: số liệu tạm tính; tháng đang diễn ra chưa tính là bỏ họp."</p> })}
            <PeriodPicker report=r.clone() />
            <Figures stats=t.clone() />
            <div class="charts">
                <BarChart title="Xếp loại các buổi sinh hoạt".to_string() bars=classes testid="chart-classes" />
                <BarChart title="Phân bố điểm".to_string() bars=histogram testid="chart-histogram" />
                {(!labels.is_empty()).then(|| view! {
                    <LineChart title=format!("Diễn biến theo tháng, năm {}", r.period.year) labels=labels series=series testid="chart-trend" />
                })}
            </div>
            <p class="downloads">"Tải báo cáo: "
                <a href=download("xlsx") download>"Excel (XLSX)"</a>
                " · "
                <a href=download("csv") download>"CSV"</a>
            </p>
            {r.can_edit_rubric.then(|| view! {
                <p><a href=format!("/sinh-hoat/thang-diem?don-vi={}", r.unit.id)>"Thang điểm chấm chất lượng sinh hoạt của đơn vị"</a></p>
            })}
        </section>
        {(!rows.is_empty()).then(|| view! {
            <section class="card">
                <h2>"Theo đơn vị trực thuộc"</h2>
                <div class="table-scroll">
                    <table class="report-table" data-testid="report-rows">
                        <thead><tr>
                            <th>"Đơn vị"</th><th>"Chi bộ"</th><th>"Thường kỳ (tháng)"</th><th>"Chuyên đề (quý)"</th>
                            <th>"Dự họp"</th><th>"Điểm BQ"</th><th>"Tốt/Khá/TB/Kém"</th><th>"Thiếu biên bản"</th><th>"TL đăng muộn"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| {
                                let s = row.stats;
                                view! {
                                    <tr>
                                        <td><a href=link(row.unit.id)>{row.unit.name}</a></td>
                                        <td>{count_text(s.cells)}</td>
                                        <td>{format!("{}/{}", count_text(s.regular_held), count_text(s.regular_due))}</td>
                                        <td>{format!("{}/{}", count_text(s.thematic_held), count_text(s.thematic_due))}</td>
                                        <td>{percent_text(s.attendance_permille())}</td>
                                        <td>{average_text(s.average_tenths())}</td>
                                        <td>{s.classes.iter().map(|c| count_text(*c)).collect::<Vec<_>>().join("/")}</td>
                                        <td>{count_text(s.minutes_missing)}</td>
                                        <td>{count_text(s.documents_late)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
        {(!lagging.is_empty()).then(|| view! {
            <section class="card" data-testid="lagging">
                <details open=r.lagging_total <= 20>
                <summary><h2 class="inline">{format!("Chi bộ chưa đạt yêu cầu ({})", count_text(r.lagging_total as i64))}</h2></summary>
                <p class="muted">"Bỏ họp thường kỳ, thiếu sinh hoạt chuyên đề, thiếu biên bản hoặc đăng tài liệu muộn; nặng nhất trước."
                    {(r.lagging_total > lagging.len()).then(|| format!(" Trang này hiện {} chi bộ đầu; tệp Excel có đủ.", lagging.len()))}</p>
                <div class="table-scroll">
                    <table class="report-table">
                        <thead><tr><th>"Chi bộ"</th><th>"Trực thuộc"</th><th>"Tháng bỏ họp"</th><th>"Quý thiếu chuyên đề"</th><th>"Thiếu biên bản"</th><th>"TL đăng muộn"</th></tr></thead>
                        <tbody>
                            {lagging.into_iter().map(|l| view! {
                                <tr>
                                    <td><a href=link(l.cell.id)>{l.cell.name}</a></td>
                                    <td>{l.parent}</td>
                                    <td>{l.regular_missing}</td>
                                    <td>{l.thematic_missing}</td>
                                    <td>{l.minutes_missing}</td>
                                    <td>{l.documents_late}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                </details>
            </section>
        })}
        {(!years.is_empty()).then(|| view! {
            <section class="card" data-testid="yearly">
                <h2>{format!("Xếp loại chất lượng sinh hoạt năm {}", r.period.year)}</h2>
                <p data-testid="yearly-summary">{format!("{}/{} chi bộ đạt Tốt", count_text(r.years_tot as i64), count_text(r.years_total as i64))}
                    {r.provisional.then_some(" (tạm tính)")}</p>
                <p class="muted">"Năm đạt Tốt khi sinh hoạt thường kỳ đủ 12 tháng, mọi buổi từ Khá trở lên và ít nhất 7 buổi Tốt."</p>
                <details open=r.years_total <= 20>
                <summary>{if r.years_total > years.len() { format!("Xem {} chi bộ đầu (tệp Excel có đủ {})", years.len(), count_text(r.years_total as i64)) } else { "Xem từng chi bộ".to_string() }}</summary>
                <div class="table-scroll">
                    <table class="report-table">
                        <thead><tr><th>"Chi bộ"</th><th>"Trực thuộc"</th><th>"Số tháng"</th><th>"Tốt"</th><th>"Khá"</th><th>"Dưới Khá"</th><th>"Kết quả"</th></tr></thead>
                        <tbody>
                            {years.into_iter().map(|y| view! {
                                <tr>
                                    <td><a href=link(y.cell.id)>{y.cell.name}</a></td>
                                    <td>{y.parent}</td>
                                    <td>{y.months_with_regular}</td>
                                    <td>{y.tot}</td>
                                    <td>{y.kha}</td>
                                    <td>{y.below_kha}</td>
                                    <td title=y.reason.clone()>{if y.is_tot { "Tốt".to_string() } else { format!("Chưa đạt Tốt — {}", y.reason) }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                </details>
            </section>
        })}
        {(!meetings.is_empty()).then(|| view! {
            <section class="card" data-testid="report-meetings">
                <h2>"Các buổi sinh hoạt trong kỳ"</h2>
                <ul class="meeting-list">
                    {meetings.into_iter().map(|m| {
                        let result = super::pages::result_text(&m);
                        view! {
                            <li>
                                <a href=format!("/sinh-hoat/{}", m.id)>{m.topic}</a>
                                <span class="muted">" · " {m.starts_at} " · " {result}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_vietnamese_way() {
        assert_eq!([count_text(0), count_text(999), count_text(1000), count_text(34500), count_text(1234567)], ["0", "999", "1.000", "34.500", "1.234.567"]);
        assert_eq!(percent_text(Some(925)), "92,5 %");
        assert_eq!(percent_text(None), "—");
    }
}
