#include "server/request_deadline.h"

#include <netdb.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace dg {
namespace {

using Clock = std::chrono::steady_clock;

// The request line and headers of one request, at most (cpp-httplib limits each line to
// 8 KiB, not their number).
constexpr size_t kMaxHeadBytes = 64 * 1024;

// Waits until `sock` is ready for `events` or `timeout` passes; true when ready.
bool WaitFor(int sock, short events, Clock::duration timeout) {
  const auto until = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    pollfd p{sock, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (n > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

void Address(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv,
                    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(serv);
  }
}

// One connection: reads are buffered (cpp-httplib reads request lines a byte at a time)
// and must all end before the deadline of the request being read; writes wait up to the
// write timeout each, as in cpp-httplib.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int sock, Clock::duration write_timeout)
      : sock_(sock), write_timeout_(write_timeout) {}

  // A new request: its bytes must all arrive by `deadline`; its head (request line and
  // headers, up to the empty line) may have `head` bytes, its body `body` bytes.
  void Start(Clock::time_point deadline, size_t head, size_t body) {
    deadline_ = deadline;
    head_left_ = head;
    body_left_ = body;
    in_head_ = true;
    newline_ = false;
  }
  bool buffered() const { return pos_ < len_; }

  bool is_readable() const override {
    return buffered() || WaitFor(sock_, POLLIN, deadline_ - Clock::now());
  }
  bool is_writable() const override { return WaitFor(sock_, POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if ((in_head_ ? head_left_ : body_left_) == 0) return -1;  // too big
    if (!buffered()) {
      if (!WaitFor(sock_, POLLIN, deadline_ - Clock::now())) return -1;  // too late
      ssize_t n;
      do {
        n = ::recv(sock_, buf_, sizeof buf_, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, len_ - pos_);
    if (in_head_) {
      // The head ends at its first empty line ("\r\n\r\n" or "\n\n"): hand over no more
      // than that, so that the body is counted apart.
      size_t i = 0;
      while (i < n && in_head_ && head_left_ > 0) {
        const char c = buf_[pos_ + i++];
        --head_left_;
        if (c == '\n') {
          in_head_ = !newline_;
          newline_ = true;
        } else if (c != '\r') {
          newline_ = false;
        }
      }
      n = i;
    } else {
      n = std::min(n, body_left_);
      body_left_ -= n;
    }
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      Address(addr, len, ip, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      Address(addr, len, ip, port);
    }
  }
  socket_t socket() const override { return sock_; }

 private:
  int sock_;
  Clock::duration write_timeout_;
  Clock::time_point deadline_{};
  size_t head_left_ = 0, body_left_ = 0;  // bytes the request may still have
  bool in_head_ = true;                   // its empty line not read yet
  bool newline_ = false;                  // the last byte of the head read was a line end
  char buf_[16 * 1024];
  size_t pos_ = 0, len_ = 0;
};

}  // namespace

// Connections waiting for their next request, without a thread: an epoll set watched
// by one thread, which hands a connection to a worker of the pool when a byte arrives
// and closes it when its keep-alive time is over. It is the TaskQueue cpp-httplib's
// listen loop hands accepted connections to, and lives while the server listens.
class WaitingRoom : public httplib::TaskQueue {
 public:
  WaitingRoom(size_t threads, RequestDeadlineServer* server, std::atomic<WaitingRoom*>* slot)
      : pool_(threads), server_(server), slot_(slot) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_;
    if (epoll_ >= 0 && wake_ >= 0) ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
    thread_ = std::thread([this] { Run(); });
    *slot_ = this;
  }
  ~WaitingRoom() override {
    shutdown();
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_ >= 0) ::close(wake_);
  }

  void enqueue(std::function<void()> fn) override { pool_.enqueue(std::move(fn)); }

  // Closes the connections waiting, then lets the workers finish what they do.
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    *slot_ = nullptr;
    const uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof one);
    thread_.join();
    pool_.shutdown();
  }

  // Keeps `sock` until a byte arrives (then a worker serves it, `left` requests more at
  // most) or until `idle_until` (then it is closed). False when the room is closing or
  // cannot watch the socket: the caller closes it.
  bool Park(int sock, size_t left, Clock::time_point idle_until) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_ || epoll_ < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = sock;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, sock, &ev) != 0) return false;
    parked_[sock] = Parked{left, idle_until};
    return true;
  }

 private:
  struct Parked {
    size_t left;
    Clock::time_point idle_until;
  };

  void Run() {
    epoll_event events[64];
    for (;;) {
      // Woken by a byte, by shutdown, or every 100 ms to close connections idle too long.
      const int n = epoll_ < 0 ? 0 : ::epoll_wait(epoll_, events, 64, 100);
      std::vector<std::pair<int, size_t>> ready;
      std::vector<int> expired;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopped_) {
          for (const auto& [sock, p] : parked_) Close(sock);
          parked_.clear();
          return;
        }
        for (int i = 0; i < n; ++i) {
          const int sock = events[i].data.fd;
          auto it = parked_.find(sock);
          if (it == parked_.end()) continue;
          ready.emplace_back(sock, it->second.left);
          ::epoll_ctl(epoll_, EPOLL_CTL_DEL, sock, nullptr);
          parked_.erase(it);
        }
        const auto now = Clock::now();
        for (auto it = parked_.begin(); it != parked_.end();) {
          if (it->second.idle_until > now) {
            ++it;
            continue;
          }
          ::epoll_ctl(epoll_, EPOLL_CTL_DEL, it->first, nullptr);
          expired.push_back(it->first);
          it = parked_.erase(it);
        }
      }
      for (const auto& [sock, left] : ready) {
        pool_.enqueue([server = server_, sock = sock, left = left] { server->Serve(sock, left); });
      }
      for (int sock : expired) Close(sock);
    }
  }

  static void Close(int sock) {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }

  httplib::ThreadPool pool_;
  RequestDeadlineServer* server_;
  std::atomic<WaitingRoom*>* slot_;
  int epoll_ = -1;
  int wake_ = -1;
  std::mutex mu_;
  std::map<int, Parked> parked_;  // guarded by mu_
  bool stopped_ = false;          // guarded by mu_
  std::thread thread_;
};

RequestDeadlineServer::RequestDeadlineServer(size_t threads) {
  new_task_queue = [this, threads]() -> httplib::TaskQueue* {
    return new WaitingRoom(threads, this, &room_);
  };
}

bool RequestDeadlineServer::process_and_close_socket(socket_t sock) {
  Serve(sock, keep_alive_max_count_);
  return true;
}

void RequestDeadlineServer::Serve(socket_t sock, size_t left) {
  using std::chrono::microseconds;
  using std::chrono::seconds;
  const Clock::duration read_timeout =
      seconds(read_timeout_sec_) + microseconds(read_timeout_usec_);
  DeadlineStream strm(sock, seconds(write_timeout_sec_) + microseconds(write_timeout_usec_));
  for (; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    // The next request's first byte: a client that sends at once is served on this
    // thread; one that keeps the connection idle waits in the room, without it.
    if (!strm.buffered() && !WaitFor(sock, POLLIN, std::chrono::milliseconds(2))) {
      WaitingRoom* room = room_;
      if (room != nullptr &&
          room->Park(sock, left, Clock::now() + seconds(keep_alive_timeout_sec_))) {
        return;
      }
      break;
    }
    // The body: the payload limit, and room for the framing of a chunked one.
    strm.Start(Clock::now() + read_timeout, kMaxHeadBytes, payload_max_length_ + kMaxHeadBytes);
    bool closed = false;
    if (!process_request(strm, /*close_connection=*/left == 1, closed, nullptr) || closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

}  // namespace dg
