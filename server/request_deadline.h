// An httplib::Server that bounds each request in time and size, and keeps idle
// connections without a worker thread.
//
// cpp-httplib 0.11 (Debian's) serves each open connection on a worker thread of a fixed
// pool until the connection closes, and applies its read timeout to every read call: a
// client sending one byte a second never trips a 5-second timeout and keeps its thread
// for as long as it likes, and a few hundred connections that send nothing hold every
// thread for the keep-alive time in turn, so that a real request waits (14 s behind 500
// idle connections on 64 threads, measured). This server changes two things, through the
// virtual function cpp-httplib provides for serving a connection (its SSLServer overrides
// it too) and its TaskQueue hook:
//  - each request is read through a Stream whose reads share one deadline: the read
//    timeout (set_read_timeout) counts from the request's first byte to its last,
//    headers and body; and one budget: at most 64 KiB of request line and headers plus
//    the payload limit (set_payload_max_length), since cpp-httplib limits each header
//    line, not their number, nor the length of a chunked body. A request not read in
//    time, or too big, gets no answer: its connection is closed (cpp-httplib may first
//    answer 400);
//  - a connection waiting for its next request (after accept, or between keep-alive
//    requests) waits in a "waiting room" (epoll) instead of on a worker thread, and is
//    handed to a worker when a byte arrives, or closed after the keep-alive timeout.
// Parsing, routing, replies and the keep-alive limits are cpp-httplib's own
// (Server::process_request).
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>

namespace dg {

class WaitingRoom;

class RequestDeadlineServer : public httplib::Server {
 public:
  // `threads`: the worker threads that read and answer requests.
  explicit RequestDeadlineServer(size_t threads);

  // Serves the requests of `sock`, `left` more at most; parks the connection in the
  // waiting room between requests, closes it when done. Called on a worker thread.
  void Serve(socket_t sock, size_t left);

 private:
  bool process_and_close_socket(socket_t sock) override;

  std::atomic<WaitingRoom*> room_{nullptr};  // set while the server listens
};

}  // namespace dg
