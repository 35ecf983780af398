import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const answers: Record<string, { status: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: '431 Request Header Fields Too Large', code: 'HEADERS_TOO_LARGE', detail: 'the request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: '408 Request Timeout', code: 'REQUEST_TIMEOUT', detail: 'the request was not received in time' },
};
const fallback = { status: '400 Bad Request', code: 'MALFORMED_HTTP', detail: 'the request is not valid HTTP' };

/**
 * Requests Node's HTTP parser rejects never reach the app; answer them with problem+json too (a
 * stable `code` instead of Node's bare 400) and close the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const answer = (err.code && answers[err.code]) || fallback;
    const [status = 400, ...title] = answer.status.split(' ');
    const body = JSON.stringify({ type: 'about:blank', title: title.join(' '), status: Number(status), code: answer.code, detail: answer.detail });
    socket.end(
      `HTTP/1.1 ${answer.status}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
