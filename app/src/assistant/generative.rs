//! Optional phrasing by a language model (`ASSISTANT_LLM_URL`, any OpenAI-compatible server
//! such as llama.cpp or vLLM on the committee's own machine). The model sees only the passages
//! retrieval found and must cite one of them in every sentence; an answer that cites nothing, or
//! anything but those passages, a timeout or an error all give the extractive answer instead.

use std::time::Duration;

use serde::Deserialize;

use super::{Answer, AnswerSentence, Citation};
use crate::documents::search::PassageHit;
use crate::state::LlmConfig;

/// Passages the model is given.
const PASSAGES: usize = 3;
/// The model's word for "the passages do not answer this".
const NOT_FOUND: &str = "KHONG_TIM_THAY";

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: String,
}

fn passage_text(hit: &PassageHit) -> String {
    hit.pieces.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
}

fn prompt(question: &str, hits: &[PassageHit]) -> serde_json::Value {
    let passages: Vec<String> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| format!("[{}] {}, {}:\n{}", i + 1, h.label, h.document_title, passage_text(h)))
        .collect();
    serde_json::json!([
        {
            "role": "system",
            "content": format!(
                "Bạn là trợ lý ảo của Sổ tay đảng viên. Chỉ trả lời bằng tiếng Việt, chỉ dựa vào các đoạn trích được cung cấp, \
                 không thêm thông tin nào khác. Mỗi câu trả lời phải kết thúc bằng số đoạn trích làm căn cứ, dạng [1]. \
                 Nếu các đoạn trích không trả lời được câu hỏi, chỉ viết: {NOT_FOUND}"
            ),
        },
        { "role": "user", "content": format!("Câu hỏi: {question}\n\nCác đoạn trích:\n{}", passages.join("\n\n")) },
    ])
}

/// The sentences of a model's reply, each with the passage it cites; `None` when a sentence
/// cites nothing or a passage it was not given.
pub fn cited_sentences(reply: &str, passages: usize) -> Option<Vec<(String, usize)>> {
    let mut out = Vec::new();
    let mut rest = reply.trim();
    while !rest.is_empty() {
        let open = rest.find('[')?;
        let close = open + rest[open..].find(']')?;
        let n: usize = rest[open + 1..close].trim().parse().ok()?;
        if n == 0 || n > passages {
            return None;
        }
        let mut end = close + 1;
        // Punctuation after the marker belongs to the sentence.
        while let Some(c) = rest[end..].chars().next().filter(|c| matches!(c, '.' | ';' | '!' | '?')) {
            end += c.len_utf8();
        }
        let sentence = format!("{}{}", rest[..open].trim_end(), &rest[close + 1..end]).trim().to_string();
        if sentence.chars().filter(|c| c.is_alphabetic()).count() < 3 {
            return None;
        }
        out.push((sentence, n));
        rest = rest[end..].trim_start();
    }
    (!out.is_empty()).then_some(out)
}

async fn complete(llm: &LlmConfig, question: &str, hits: &[PassageHit]) -> Result<String, String> {
    let client = reqwest::Client::builder().timeout(Duration::from_millis(llm.timeout_ms)).build().map_err(|e| e.to_string())?;
    let body = serde_json::json!({ "model": llm.model, "messages": prompt(question, hits), "temperature": 0.1, "max_tokens": 400 });
    let response = client
        .post(format!("{}/v1/chat/completions", llm.url))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    let completion: Completion = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    completion.choices.into_iter().next().map(|c| c.message.content).ok_or_else(|| "no choice".into())
}

/// The extractive answer phrased by the model, or `None` to keep the extractive one.
pub async fn phrase(llm: &LlmConfig, extractive: &Answer, hits: &[PassageHit]) -> Option<Answer> {
    let given = &hits[..hits.len().min(PASSAGES)];
    let reply = match complete(llm, &extractive.question, given).await {
        Ok(reply) => reply,
        Err(error) => {
            tracing::warn!(%error, "generative answer failed; the extractive one is given");
            return None;
        }
    };
    if reply.contains(NOT_FOUND) {
        return None;
    }
    let Some(sentences) = cited_sentences(&reply, given.len()) else {
        tracing::warn!("generative answer without valid citations; the extractive one is given");
        return None;
    };
    // Citations renumbered in the order the reply first cites them.
    let mut order: Vec<usize> = Vec::new();
    for (_, n) in &sentences {
        if !order.contains(n) {
            order.push(*n);
        }
    }
    let citations: Vec<Citation> = order
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let hit = &given[n - 1];
            let quoted = extractive.citations.iter().find(|c| c.document_id == hit.document_id && c.anchor == hit.anchor);
            Citation {
                n: i + 1,
                document_id: hit.document_id,
                document_number: hit.document_number.clone(),
                document_title: hit.document_title.clone(),
                anchor: hit.anchor.clone(),
                section_anchor: quoted.map(|c| c.section_anchor.clone()).unwrap_or_else(|| hit.anchor.clone()),
                label: hit.label.clone(),
                quote: quoted.map(|c| c.quote.clone()).unwrap_or_else(|| passage_text(hit)),
            }
        })
        .collect();
    let renumber = |n: usize| order.iter().position(|&o| o == n).map_or(1, |i| i + 1);
    let sentences: Vec<AnswerSentence> = sentences.into_iter().map(|(text, n)| AnswerSentence { text, citation: renumber(n) }).collect();
    let text = sentences.iter().map(|s| format!("{} [{}]", s.text, s.citation)).collect::<Vec<_>>().join(" ");
    Some(Answer {
        question: extractive.question.clone(),
        found: true,
        intro: String::new(),
        sentences,
        citations,
        candidates: extractive.candidates.clone(),
        text,
        mode: "generative".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_must_cite_a_given_passage() {
        let ok = cited_sentences("Thời kỳ dự bị là mười hai tháng [1]. Chi bộ giúp đảng viên dự bị tiến bộ [2].", 2).unwrap();
        assert_eq!(ok, [("Thời kỳ dự bị là mười hai tháng.".to_string(), 1), ("Chi bộ giúp đảng viên dự bị tiến bộ.".to_string(), 2)]);
        assert_eq!(cited_sentences("Thời kỳ dự bị là mười hai tháng.", 2), None);
        assert_eq!(cited_sentences("Câu trả lời [4].", 3), None);
        assert_eq!(cited_sentences("Có căn cứ [1]. Câu không căn cứ.", 3), None);
    }
}
