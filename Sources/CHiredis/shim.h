//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//
//
// The parts of hiredis 0.14 Swift cannot call directly, and the few POSIX
// calls the wrapper needs around them.
//
// redisCommand and redisAppendCommand are variadic and do not import: Swift
// uses redisCommandArgv / redisAppendCommandArgv (binary-safe: every argument
// comes with its length). errno and `struct timeval` are awkward from Swift, so
// connecting and timeouts take milliseconds here and report errno explicitly.

#ifndef TANDEM_CHIREDIS_SHIM_H
#define TANDEM_CHIREDIS_SHIM_H

#include <hiredis.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static inline struct timeval tandem_timeval(long milliseconds) {
    struct timeval tv;
    tv.tv_sec = milliseconds / 1000;
    tv.tv_usec = (milliseconds % 1000) * 1000;
    return tv;
}

/// Connects over TCP, waiting at most `timeout_ms`. Returns NULL (out of
/// memory) or a context whose `err` tells whether it failed; `*os_errno` is
/// errno right after the attempt (ECONNREFUSED, ETIMEDOUT, ...).
///
/// The socket is closed on exec (hiredis does not ask for it): a child process
/// holding a copy would keep the connection open after the wrapper closes it, and
/// Redis would go on counting a subscriber that is gone. A socket that came out as
/// descriptor 0, 1 or 2 (the process started with standard input, output or error
/// closed) is moved above them, as hiredis 0.14 never closes descriptor 0
/// (redisFree tests `fd > 0`).
static inline redisContext *tandem_redis_connect(const char *host, int port, long timeout_ms, int *os_errno) {
    errno = 0;
    redisContext *c = redisConnectWithTimeout(host, port, tandem_timeval(timeout_ms));
    *os_errno = errno;
    if (c == NULL || c->err != 0 || c->fd < 0) return c;
    if (c->fd <= 2) {
        int moved = fcntl(c->fd, F_DUPFD_CLOEXEC, 3);
        if (moved >= 0) {
            close(c->fd);
            c->fd = moved;
        }
    } else {
        fcntl(c->fd, F_SETFD, FD_CLOEXEC);
    }
    return c;
}

/// Sets SO_RCVTIMEO and SO_SNDTIMEO on the connection's socket.
static inline int tandem_redis_set_timeout(redisContext *c, long timeout_ms) {
    return redisSetTimeout(c, tandem_timeval(timeout_ms));
}

/// Keeps a write to a connection Redis has closed from raising SIGPIPE, which
/// would kill the process: per socket where the platform can (SO_NOSIGPIPE),
/// else process-wide unless the process handles SIGPIPE itself (as swift-nio
/// does on Linux, where there is no per-socket option and hiredis uses write()).
static inline void tandem_redis_no_sigpipe(redisContext *c) {
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(c->fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#else
    struct sigaction current;
    if (sigaction(SIGPIPE, NULL, &current) == 0 && current.sa_handler == SIG_DFL) {
        signal(SIGPIPE, SIG_IGN);
    }
#endif
}

/// The context's error text (a 128-byte array in the struct).
static inline const char *tandem_redis_errstr(const redisContext *c) {
    return c->errstr;
}

/// The next reply already read from the socket, without reading more.
/// Returns REDIS_OK with *reply NULL when none is complete yet.
static inline int tandem_redis_buffered_reply(redisContext *c, redisReply **reply) {
    *reply = NULL;
    return redisGetReplyFromReader(c, (void **) reply);
}

/// Waits until `fd` or `wake_fd` is readable (or hung up), at most `timeout_ms`
/// (-1: no limit). A negative descriptor is ignored. Returns a bit set
/// (1: fd, 2: wake_fd), 0 when nothing is ready (timeout or EINTR), -1 on error.
static inline int tandem_poll(int fd, int wake_fd, int timeout_ms) {
    struct pollfd fds[2];
    fds[0].fd = fd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    fds[1].fd = wake_fd;
    fds[1].events = POLLIN;
    fds[1].revents = 0;
    int ready = poll(fds, 2, timeout_ms);
    if (ready < 0) return errno == EINTR ? 0 : -1;
    return (fds[0].revents ? 1 : 0) | (fds[1].revents ? 2 : 0);
}

/// A non-blocking, close-on-exec pipe used to wake a thread blocked in poll.
/// Returns 0, or -1 with errno set.
static inline int tandem_wake_pipe(int fds[2]) {
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

/// Makes `tandem_poll` on the read end return. A full pipe is already awake.
static inline void tandem_wake(int write_fd) {
    char byte = 1;
    ssize_t ignored = write(write_fd, &byte, 1);
    (void) ignored;
}

/// Empties the pipe after a wake-up.
static inline void tandem_drain(int read_fd) {
    char buffer[64];
    while (read(read_fd, buffer, sizeof buffer) > 0) {
    }
}

static inline void tandem_close(int fd) {
    if (fd >= 0) close(fd);
}

#endif
