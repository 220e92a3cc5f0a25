//! Small SVG charts drawn on the server, so a report shows its charts before (or without) any
//! script, and prints as it looks. Values are integers; the caller picks the unit.

use leptos::prelude::*;

const WIDTH: i64 = 360;
const HEIGHT: i64 = 180;
const PLOT_TOP: i64 = 16;
const PLOT_BOTTOM: i64 = 148;
const LEFT: i64 = 34;
const RIGHT: i64 = 350;

/// Vertical bars, each with its count above and its label below.
#[component]
pub fn BarChart(title: String, bars: Vec<(String, i64)>, #[prop(optional)] testid: &'static str) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let slot = (RIGHT - LEFT) / bars.len().max(1) as i64;
    let bar_width = slot * 3 / 5;
    let described = format!("{title}: {}", bars.iter().map(|(l, v)| format!("{l} {v}")).collect::<Vec<_>>().join(", "));
    view! {
        <figure class="chart" data-testid=testid>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=described>
                <line x1=LEFT y1=PLOT_BOTTOM x2=RIGHT y2=PLOT_BOTTOM class="chart-axis" />
                {bars.into_iter().enumerate().map(|(i, (label, value))| {
                    let height = value * (PLOT_BOTTOM - PLOT_TOP - 12) / max;
                    let x = LEFT + i as i64 * slot + (slot - bar_width) / 2;
                    let centre = x + bar_width / 2;
                    view! {
                        <g class=format!("chart-bar chart-bar-{i}")>
                            <rect x=x y=PLOT_BOTTOM - height width=bar_width height=height />
                            <text x=centre y=PLOT_BOTTOM - height - 4 text-anchor="middle" class="chart-value">{value}</text>
                            <text x=centre y=PLOT_BOTTOM + 16 text-anchor="middle" class="chart-label">{label}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

/// One line of a `LineChart`: values in tenths of a percent (0–1000), `None` where unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    /// CSS class giving the line its colour.
    pub class: &'static str,
    pub values: Vec<Option<i64>>,
}

/// Lines over labelled slots (months), on a 0–100 scale with grid lines at 0, 50 and 100.
#[component]
pub fn LineChart(title: String, labels: Vec<String>, series: Vec<Series>, #[prop(optional)] testid: &'static str) -> impl IntoView {
    let slots = labels.len().max(1) as i64;
    let step = (RIGHT - LEFT) / slots;
    let x = move |i: usize| LEFT + i as i64 * step + step / 2;
    let y = |permille: i64| PLOT_BOTTOM - permille.clamp(0, 1000) * (PLOT_BOTTOM - PLOT_TOP) / 1000;
    let legend = series.clone();
    view! {
        <figure class="chart chart-wide" data-testid=testid>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone()>
                {[0i64, 500, 1000].into_iter().map(|g| view! {
                    <line x1=LEFT y1=y(g) x2=RIGHT y2=y(g) class="chart-grid" />
                    <text x=LEFT - 4 y=y(g) + 4 text-anchor="end" class="chart-label">{g / 10}</text>
                }).collect_view()}
                {labels.into_iter().enumerate().map(|(i, label)| view! {
                    <text x=x(i) y=PLOT_BOTTOM + 16 text-anchor="middle" class="chart-label">{label}</text>
                }).collect_view()}
                {series.into_iter().map(|s| {
                    let points: Vec<(i64, i64, i64)> = s.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (x(i), y(v), v))).collect();
                    let path = points.iter().map(|(px, py, _)| format!("{px},{py}")).collect::<Vec<_>>().join(" ");
                    let name = s.name.clone();
                    view! {
                        <g class=format!("chart-series {}", s.class)>
                            <polyline points=path fill="none" />
                            {points.into_iter().map(|(px, py, v)| {
                                let tip = format!("{}: {}", name, crate::common::tenths_text(v as i32));
                                view! { <circle cx=px cy=py r="3"><title>{tip}</title></circle> }
                            }).collect_view()}
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                {title} " "
                {legend.into_iter().map(|s| view! { <span class=format!("legend {}", s.class)>{s.name}</span> }).collect_view()}
            </figcaption>
        </figure>
    }
}
