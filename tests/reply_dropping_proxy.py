"""
A TCP proxy in front of the suite's Redis that loses one answer: the first
answer to a command containing a given word (EVALSHA) never reaches the
client, whose connection is closed instead, after Redis has run the
command. As when the network breaks on the way back; redis-py then sends
the command again on a new connection.
"""

import socket
import threading

from deploy.stack import free_port


class ReplyDroppingProxy:
    def __init__(self, *, target: tuple[str, int], word: bytes):
        self.target = target
        self.word = word
        self.dropped = 0
        self._armed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", free_port()))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def drop_the_next_answer(self) -> None:
        self._armed.set()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(self.target)
            dropping = threading.Event()
            threading.Thread(target=self._to_redis, args=(client, upstream, dropping), daemon=True).start()
            threading.Thread(target=self._to_client, args=(upstream, client, dropping), daemon=True).start()

    def _to_redis(self, client: socket.socket, upstream: socket.socket, dropping: threading.Event) -> None:
        while data := _receive(client):
            if self.word in data and self._armed.is_set():
                self._armed.clear()
                dropping.set()  # before Redis can answer
            try:
                upstream.sendall(data)
            except OSError:
                break
        _close(client, upstream)

    def _to_client(self, upstream: socket.socket, client: socket.socket, dropping: threading.Event) -> None:
        while answer := _receive(upstream):
            if dropping.is_set():
                self.dropped += 1
                break  # Redis ran it; its answer is lost with the connection
            try:
                client.sendall(answer)
            except OSError:
                break
        _close(client, upstream)


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
