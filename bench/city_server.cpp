#include "bench/city_server.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

extern char** environ;

namespace gridkeeper::bench {

Rss rss_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  Rss r;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) r.now_mb = std::atof(line.c_str() + 6) / 1024;
    if (line.rfind("VmHWM:", 0) == 0) r.peak_mb = std::atof(line.c_str() + 6) / 1024;
  }
  return r;
}

void RssWatch::start() {
  stop();
  highest_ = rss_of(pid_).now_mb;
  running_ = true;
  thread_ = std::thread([this] {
    while (running_) {
      const double now = rss_of(pid_).now_mb;
      if (now > highest_) highest_ = now;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
}

double RssWatch::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  const double now = rss_of(pid_).now_mb;
  if (now > highest_) highest_ = now;
  return highest_;
}

bool ServerProcess::start(const std::string& binary, const std::string& db, std::chrono::seconds timeout,
                          std::string& error) {
  int out[2];
  if (::pipe(out) != 0) {
    error = "pipe: " + std::string(std::strerror(errno));
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> args{binary, "serve", "--db", db, "--listen", "127.0.0.1:0"};
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int spawned = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    pid_ = 0;
    error = "cannot start " + binary + ": " + std::strerror(spawned);
    return false;
  }
  out_ = out[0];
  // The first line naming the port is awaited here; every line goes on to our stderr.
  std::mutex mutex;
  std::condition_variable named;
  bool ended = false;
  reader_ = std::thread([this, &mutex, &named, &ended] {
    FILE* in = ::fdopen(out_, "r");
    char line[2048];
    bool first = true;
    while (std::fgets(line, sizeof line, in)) {
      std::fprintf(stderr, "  server: %s", line);
      if (first) {
        if (const char* at = std::strstr(line, "http://127.0.0.1:")) {
          std::lock_guard lock(mutex);
          port_ = static_cast<unsigned short>(std::atoi(at + 17));
          first = false;
          named.notify_all();
        }
      }
    }
    std::fclose(in);
    if (first) {
      std::lock_guard lock(mutex);
      ended = true;
      named.notify_all();
    }
  });
  std::unique_lock lock(mutex);
  named.wait_for(lock, timeout, [&] { return port_ != 0 || ended; });
  if (port_ == 0) {
    lock.unlock();
    error = ended ? "the server ended before naming its port" : "the server did not name its port in time";
    stop();
    return false;
  }
  lock.unlock();
  // The reader goes on alone; it only touches its own pipe from here on.
  return true;
}

int ServerProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    // A server that does not stop within 30 s is killed.
    bool gone = false;
    for (int i = 0; i < 3000 && !gone; ++i) {
      gone = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!gone) {
      killed_ = true;
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = 0;
  }
  if (reader_.joinable()) reader_.join();
  return exit_;
}

}  // namespace gridkeeper::bench
