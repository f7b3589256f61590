// A minimal OpenAI-compatible upstream for benchmarks: POST /v1/chat/completions answers at once with a fixed
// completion and a usage block (prompt tokens ~ characters / 4, 50 completion tokens); streams when asked.
// No dependencies; listens on 127.0.0.1:$MOCK_PORT (default 18080).
import http from 'node:http';

const port = Number(process.env.MOCK_PORT || 18080);
const delayMs = Number(process.env.MOCK_DELAY_MS || 0);

function promptTokens(body) {
  let chars = 0;
  for (const m of body.messages || []) chars += typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content || '').length;
  return Math.max(1, Math.ceil(chars / 4));
}

function completion(body) {
  const prompt = promptTokens(body);
  const completionTokens = Math.min(50, body.max_tokens || body.max_completion_tokens || 50);
  return {
    id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'This is a benchmark answer. '.repeat(7).trim() }, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens,
      prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  };
}

function answer(req, res, body) {
  if (body.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, finish) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    let out = chunk({ role: 'assistant', content: '' }, null);
    for (let i = 0; i < 10; i++) out += chunk({ content: 'word ' }, null);
    out += chunk({}, 'stop');
    if (body.stream_options && body.stream_options.include_usage) {
      const c = completion(body);
      out += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: body.model, choices: [], usage: c.usage })}\n\n`;
    }
    res.end(out + 'data: [DONE]\n\n');
    return;
  }
  const payload = JSON.stringify(completion(body));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') { res.end('ok'); return; }
  if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) { res.writeHead(404); res.end(); return; }
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(parts).toString('utf8')); } catch { res.writeHead(400); res.end('{"error":{"message":"bad json"}}'); return; }
    if (delayMs > 0) setTimeout(() => answer(req, res, body), delayMs); else answer(req, res, body);
  });
}).listen(port, '127.0.0.1', () => console.log(`mock upstream on 127.0.0.1:${port}`));
