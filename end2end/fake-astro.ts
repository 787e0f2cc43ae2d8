// A fake StreamElements Astro gateway for the browser tests, speaking the documented protocol
// (https://docs.streamelements.com/websockets): `welcome` on connect, every `subscribe` with a
// JWT that has a `channel` claim answered by a `response` with the same nonce and its room,
// and `channel.tips` message frames. Tests drive it over a small HTTP control API:
// `GET /rooms` lists the subscribed rooms, `POST /tip {room, data}` sends a tip there.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type FakeAstro = { url: string; control: string; close: () => Promise<void> };

function channelOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    return typeof payload.channel === 'string' ? payload.channel : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeAstro(): Promise<FakeAstro> {
  const rooms = new Map<WebSocket, Set<string>>();
  const gateway = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  gateway.on('connection', (socket) => {
    rooms.set(socket, new Set());
    socket.send(JSON.stringify({ type: 'welcome', data: { client_id: 'e2e', message: 'welcome' } }));
    socket.on('close', () => rooms.delete(socket));
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString());
      const room = channelOf(frame.data?.token ?? '');
      if (frame.type === 'subscribe' && room && frame.data?.room === room) {
        rooms.get(socket)?.add(room);
        socket.send(JSON.stringify({
          type: 'response', nonce: frame.nonce,
          data: { message: 'successfully subscribed to topic', topic: 'channel.tips', room },
        }));
      } else if (frame.type === 'subscribe') {
        socket.send(JSON.stringify({
          type: 'response', nonce: frame.nonce, error: 'err_unauthorized', data: { message: 'invalid token' },
        }));
      } else if (frame.type === 'unsubscribe') {
        rooms.get(socket)?.delete(frame.data?.room);
      }
    });
  });
  await new Promise((resolve) => gateway.once('listening', resolve));

  const control: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/rooms') {
      const all = [...rooms.values()].flatMap((set) => [...set]);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(all));
      return;
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { room, data } = JSON.parse(body);
      const frame = JSON.stringify({ type: 'message', topic: 'channel.tips', room, data });
      for (const [socket, subscribed] of rooms) if (subscribed.has(room)) socket.send(frame);
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of rooms.keys()) socket.terminate();
      await new Promise((resolve) => gateway.close(resolve));
      await new Promise((resolve) => control.close(resolve));
    },
  };
}
