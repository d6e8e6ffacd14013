/*
 * splice engine: the optional native data path of nacos-proxy.
 *
 * Why native: through JavaScript, every connection costs two net.Socket objects (built,
 * wired to streams, destroyed) and every chunk a fresh Buffer and two copies. This engine does
 * the per-connection and per-byte I/O itself: it accepts on the listening sockets, connects to
 * the member JavaScript picked, and moves the bytes between the two sockets with splice(2)
 * inside the kernel (socket -> pipe -> socket), which is what HAProxy's splice mode does; no
 * npm library offers this. JavaScript keeps every decision: admission (ACL, limits), balancing,
 * retries over members, health, drain, logging and metrics.
 *
 * Threading: none of its own. The engine's epoll set is watched by one uv_poll handle on
 * Node's event loop and a uv timer enforces deadlines, so every callback runs on the
 * JavaScript thread: no locks, no hand-offs between threads. Results reach JavaScript through
 * three callbacks, delivered after each batch of events inside one callback scope. Only N-API
 * and libuv's stable 1.x API are used.
 *
 * Life of a connection, in a slot chosen by the engine at accept time:
 *   onAccept(listener, slot, ip, port)        a client was accepted; nothing is read from it yet
 *   connect(slot, ip, port, timeoutMs)        -> onConnect(slot, null | "ECONNREFUSED" | "ETIMEDOUT" ...)
 *                                             (after a failure JavaScript may connect again)
 *   start(slot, idleMs)                       bytes flow both ways
 *   onClose(slot, reason, fromClient, fromUpstream)   exactly once per slot, unless drop()ped
 *   reset(slot)                               RST both sides in any state; onClose("requested")
 *   drop(slot)                                RST the client of a refused connection, silently
 * A slot is reused only after its onClose (or drop), so JavaScript can key sessions by slot.
 *
 * Contract of the data path (the same as the JavaScript Forwarder, tested by the same suite):
 * - bytes pass unchanged; backpressure: a direction reads only while its pipe is empty, so at
 *   most one pipe's worth is buffered per direction;
 * - half-close: EOF from one side becomes shutdown(SHUT_WR) on the other once its pipe is
 *   flushed; the other direction keeps flowing;
 * - a reset or error on one side resets the other (SO_LINGER 0 + close sends RST).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Close reasons; the names are the proxy's CloseReason values (src/proxy/close-reasons.ts). */
enum {
  R_CLIENT_END = 0,
  R_UPSTREAM_END,
  R_CLIENT_RESET,
  R_UPSTREAM_RESET,
  R_CLIENT_ERROR,
  R_UPSTREAM_ERROR,
  R_IDLE_TIMEOUT,
  R_REQUESTED, /* reset() from JavaScript; JavaScript knows why */
};
static const char *const REASON_NAMES[] = {"client-end",   "upstream-end",   "client-reset", "upstream-reset",
                                           "client-error", "upstream-error", "idle-timeout", "requested"};

enum { S_ACCEPTED = 1, S_CONNECTING, S_CONNECTED, S_ACTIVE };
enum { OUT_ACCEPT, OUT_CONNECT, OUT_CLOSE };

#define PIPE_BYTES (1 << 20)   /* asked with F_SETPIPE_SZ; the kernel may grant less */
#define PIPE_POOL_MAX 256      /* empty pipes kept for reuse; idle connections hold none */
#define EVENTS_PER_WAIT 256
#define ROUNDS_PER_EVENT 8     /* splice rounds per wake-up, so one busy connection cannot starve others */
#define ACCEPTS_PER_EVENT 64
#define TICK_MS 20             /* deadline check period while connects, idle timeouts or paused listeners wait */
#define IDLE_SCAN_MS 250       /* idle timeouts are checked this often (they are seconds long) */
#define KEEPALIVE_IDLE_S 30    /* as the JavaScript path (TCP_KEEPALIVE_MS) */
#define MAX_LISTENERS 64
#define LISTENER_TAG (1ULL << 62)
#define EMFILE_PAUSE_MS 100    /* out of descriptors: stop accepting for this long instead of spinning */
#define POLL_GROW_START_NS 10000 /* first busy-poll window after a short gap (KVM's halt-poll start) */
#define POLL_TURN_MAX_NS 1000000 /* one poll callback returns to the event loop within this (1 ms) */
/* Reads that fit this buffer are copied (recv + send), larger transfers are spliced: for the
 * small RPCs that make up most Nacos traffic a copy costs less than moving pipe pages around,
 * and bulk data (config pushes, downloads) moves without copies. */
#define COPY_BYTES 16384

typedef struct {
  int r, w;
  size_t capacity;
} pipe_pair;

typedef struct conn {
  uint32_t slot;
  int state;
  int fd[2];            /* 0 = client, 1 = upstream (-1 until connecting) */
  pipe_pair pipe[2];    /* direction d carries bytes read from fd[d] to fd[1-d]; r = -1 when none */
  size_t pending[2];    /* bytes of direction d held in its pipe */
  uint64_t bytes[2];    /* bytes read from fd[d] */
  uint8_t eof[2];       /* fd[d] delivered EOF */
  uint8_t shut[2];      /* direction d's FIN was passed on (shutdown of fd[1-d]) */
  uint8_t bulk[2];      /* direction d moves with splice (its last read filled COPY_BYTES) */
  int first_eof;        /* side whose EOF came first, -1 if none */
  uint32_t interest[2]; /* events registered for fd[d]; UINT32_MAX = not in epoll */
  int64_t deadline_ms;  /* connect deadline while connecting */
  int64_t idle_ms;
  int64_t last_active_ms;
} conn;

typedef struct {
  int fd;               /* -1 when the slot is free */
  int paused;           /* out of descriptors: not in epoll until resume_at */
  int64_t resume_at;
} listener;

/* What JavaScript is told after a batch of events. */
typedef struct {
  int kind;
  uint32_t slot;
  int code;             /* accept: listener; connect: errno (0 = connected); close: reason */
  uint16_t port;        /* accept: the client's port */
  char ip[INET6_ADDRSTRLEN];
  double bytes[2];
} event_out;

typedef struct engine {
  napi_env env;
  uv_loop_t *loop;
  int ep;
  uv_poll_t poll;
  uv_timer_t timer;
  int timer_running;
  int64_t next_idle_scan;
  uint32_t connecting;  /* slots with a connect in flight */
  int handles_open;
  int stopped;
  int finalized;
  napi_ref on_accept, on_connect, on_close, resource;
  napi_async_context async;
  conn **slots;
  uint32_t nslots;
  uint32_t *free_slots;
  uint32_t nfree;
  uint32_t live;        /* slots in use */
  uint32_t waiting;     /* connecting, or active with an idle timeout: needs the timer */
  listener listeners[MAX_LISTENERS];
  int paused_listeners;
  pipe_pair pool[PIPE_POOL_MAX];
  int npool;
  event_out *out;
  size_t nout, out_cap;
  int in_batch;         /* events are being processed: reports wait for the batch's end */
  int64_t poll_max_ns;  /* busy-poll ceiling (--busy-poll); 0 = never poll */
  int64_t poll_ns;      /* the adaptive busy-poll window, 0 .. poll_max_ns */
  int64_t last_small_ns;/* when small reads were last forwarded; 0 = not since the window reset */
  int small_read;       /* this batch forwarded a small read: interactive traffic */
  int flushing;         /* reports are being delivered (JavaScript may call back in) */
} engine;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t now_ms(void) { return now_ns() / 1000000; }

static void set_linger0(int fd) {
  struct linger l = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

static void tune_socket(int fd) {
  int one = 1, idle = KEEPALIVE_IDLE_S;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
}

static const char *errno_name(int err) {
  switch (err) {
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EADDRINUSE: return "EADDRINUSE";
    case EACCES: return "EACCES";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case EBADF: return "EBADF";
    case ENOTSOCK: return "ENOTSOCK";
    default: return "ECONNABORTED";
  }
}

/* ---- reports to JavaScript ------------------------------------------------------------- */

static event_out *emit_out(engine *e, int kind, uint32_t slot, int code) {
  if (e->nout == e->out_cap) {
    size_t cap = e->out_cap ? e->out_cap * 2 : 64;
    event_out *grown = realloc(e->out, cap * sizeof *grown);
    if (grown == NULL) return NULL; /* out of memory: the report is lost */
    e->out = grown;
    e->out_cap = cap;
  }
  event_out *o = &e->out[e->nout++];
  o->kind = kind;
  o->slot = slot;
  o->code = code;
  return o;
}

static void call_js(engine *e, napi_ref ref, size_t argc, napi_value *argv) {
  napi_env env = e->env;
  napi_value fn, global;
  if (napi_get_reference_value(env, ref, &fn) != napi_ok || fn == NULL) return;
  napi_get_global(env, &global);
  if (napi_call_function(env, global, fn, argc, argv, NULL) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
}

/* Delivers queued reports. `scoped` when called from a libuv callback (outside any JavaScript
 * frame): the calls then run in one callback scope, which also runs queued microtasks.
 * Reports queued by JavaScript calls made from these callbacks are delivered in the same pass. */
static void flush_out(engine *e, int scoped) {
  if (e->nout == 0 || e->finalized || e->flushing) return;
  e->flushing = 1;
  napi_env env = e->env;
  napi_handle_scope handles;
  napi_callback_scope callbacks = NULL;
  napi_open_handle_scope(env, &handles);
  if (scoped) {
    napi_value resource;
    napi_get_reference_value(env, e->resource, &resource);
    napi_open_callback_scope(env, resource, e->async, &callbacks);
  }
  for (size_t i = 0; i < e->nout; i++) {
    event_out o = e->out[i];
    napi_value argv[4];
    if (o.kind == OUT_ACCEPT) {
      napi_create_uint32(env, (uint32_t)o.code, &argv[0]);
      napi_create_uint32(env, o.slot, &argv[1]);
      napi_create_string_utf8(env, o.ip, NAPI_AUTO_LENGTH, &argv[2]);
      napi_create_uint32(env, o.port, &argv[3]);
      call_js(e, e->on_accept, 4, argv);
    } else if (o.kind == OUT_CONNECT) {
      napi_create_uint32(env, o.slot, &argv[0]);
      if (o.code == 0) napi_get_null(env, &argv[1]);
      else napi_create_string_utf8(env, errno_name(o.code), NAPI_AUTO_LENGTH, &argv[1]);
      call_js(e, e->on_connect, 2, argv);
    } else {
      napi_create_uint32(env, o.slot, &argv[0]);
      napi_create_string_utf8(env, REASON_NAMES[o.code], NAPI_AUTO_LENGTH, &argv[1]);
      napi_create_double(env, o.bytes[0], &argv[2]);
      napi_create_double(env, o.bytes[1], &argv[3]);
      call_js(e, e->on_close, 4, argv);
    }
  }
  e->nout = 0;
  e->flushing = 0;
  if (callbacks != NULL) napi_close_callback_scope(env, callbacks);
  napi_close_handle_scope(env, handles);
}

/* ---- pipes ---------------------------------------------------------------------------- */

static int pipe_take(engine *e, pipe_pair *out) {
  if (e->npool > 0) {
    *out = e->pool[--e->npool];
    return 0;
  }
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
  int granted = fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES);
  if (granted < 0) granted = fcntl(fds[1], F_GETPIPE_SZ);
  out->r = fds[0];
  out->w = fds[1];
  out->capacity = granted > 0 ? (size_t)granted : 65536;
  return 0;
}

/* Returns an empty pipe to the pool; a pipe that still holds bytes is closed instead. */
static void pipe_release(engine *e, pipe_pair *p, int empty) {
  if (p->r < 0) return;
  if (empty && e->npool < PIPE_POOL_MAX) {
    e->pool[e->npool++] = *p;
  } else {
    close(p->r);
    close(p->w);
  }
  p->r = p->w = -1;
}

/* ---- the connection table --------------------------------------------------------------- */

static void timer_cb(uv_timer_t *timer);

static void need_timer(engine *e) {
  if (!e->timer_running && (e->waiting > 0 || e->paused_listeners > 0) && !e->stopped) {
    uv_timer_start(&e->timer, timer_cb, TICK_MS, TICK_MS);
    e->timer_running = 1;
  }
}

static conn *slot_conn(engine *e, uint32_t slot) { return slot < e->nslots ? e->slots[slot] : NULL; }

/* Like a listening or connected socket in Node, the engine keeps the process alive while it
 * listens or carries a connection, and only then. */
static void update_ref(engine *e) {
  int listening = 0;
  for (int id = 0; id < MAX_LISTENERS && !listening; id++) listening = e->listeners[id].fd >= 0;
  int want = !e->stopped && (listening || e->live > 0);
  if (want && !uv_has_ref((uv_handle_t *)&e->poll)) uv_ref((uv_handle_t *)&e->poll);
  else if (!want && uv_has_ref((uv_handle_t *)&e->poll)) uv_unref((uv_handle_t *)&e->poll);
}

/* A new connection for an accepted client, in a free slot; NULL when out of memory. */
static conn *slot_new(engine *e, int client_fd) {
  if (e->nfree == 0) {
    uint32_t grown = e->nslots == 0 ? 1024 : e->nslots * 2;
    conn **slots = realloc(e->slots, grown * sizeof *slots);
    if (slots == NULL) return NULL;
    e->slots = slots;
    uint32_t *free_slots = realloc(e->free_slots, grown * sizeof *free_slots);
    if (free_slots == NULL) return NULL;
    e->free_slots = free_slots;
    /* Lowest slots on top of the stack: slots stay dense. */
    for (uint32_t s = grown; s > e->nslots; s--) e->free_slots[e->nfree++] = s - 1;
    memset(e->slots + e->nslots, 0, (grown - e->nslots) * sizeof *slots);
    e->nslots = grown;
  }
  conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->slot = e->free_slots[--e->nfree];
  c->state = S_ACCEPTED;
  c->fd[0] = client_fd;
  c->fd[1] = -1;
  c->pipe[0].r = c->pipe[0].w = c->pipe[1].r = c->pipe[1].w = -1;
  c->interest[0] = c->interest[1] = UINT32_MAX;
  c->first_eof = -1;
  e->slots[c->slot] = c;
  if (e->live++ == 0) update_ref(e);
  return c;
}

static int waits(conn *c) { return c->state == S_CONNECTING || (c->state == S_ACTIVE && c->idle_ms > 0); }

static void slot_free(engine *e, conn *c) {
  if (waits(c)) e->waiting--;
  if (c->state == S_CONNECTING) e->connecting--;
  e->slots[c->slot] = NULL;
  e->free_slots[e->nfree++] = c->slot;
  if (--e->live == 0) update_ref(e);
  free(c);
}

/* ---- epoll interest ------------------------------------------------------------------- */

static uint64_t tag(uint32_t slot, int side) { return ((uint64_t)slot << 1) | (uint64_t)side; }

static void set_interest(engine *e, conn *c, int s, uint32_t want) {
  if (want == c->interest[s] || c->fd[s] < 0) return;
  if (want == UINT32_MAX) {
    epoll_ctl(e->ep, EPOLL_CTL_DEL, c->fd[s], NULL);
  } else {
    struct epoll_event ev = {.events = want, .data.u64 = tag(c->slot, s)};
    epoll_ctl(e->ep, c->interest[s] == UINT32_MAX ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd[s], &ev);
  }
  c->interest[s] = want;
}

/* fd[s] is finished when its read side ended and the direction towards it passed its FIN. */
static int side_done(conn *c, int s) { return c->eof[s] && c->shut[1 - s]; }

static void update_interest(engine *e, conn *c, int s) {
  if (side_done(c, s)) {
    set_interest(e, c, s, UINT32_MAX);
    return;
  }
  uint32_t want = 0;
  /* Read only while this direction's pipe is empty: that is the backpressure. */
  if (!c->eof[s] && c->pending[s] == 0) want |= EPOLLIN;
  if (c->pending[1 - s] > 0) want |= EPOLLOUT;
  set_interest(e, c, s, want);
}

/* ---- ending a connection -------------------------------------------------------------- */

/* Closes both sockets (with RST on the sides in rst_mask), reports (unless silent) and frees the slot. */
static void finish(engine *e, conn *c, int reason, int rst_mask, int silent) {
  for (int s = 0; s < 2; s++) {
    if (c->fd[s] < 0) continue;
    /* No EPOLL_CTL_DEL: the engine holds the only descriptor, and closing it leaves epoll. */
    if (rst_mask & (1 << s)) set_linger0(c->fd[s]);
    close(c->fd[s]);
    pipe_release(e, &c->pipe[s], c->pending[s] == 0);
  }
  if (!silent) {
    event_out *o = emit_out(e, OUT_CLOSE, c->slot, reason);
    if (o != NULL) {
      o->bytes[0] = (double)c->bytes[0];
      o->bytes[1] = (double)c->bytes[1];
    }
  }
  slot_free(e, c);
}

/* The socket fd[s] failed with err: reset the other side, close this one. */
static void fail_side(engine *e, conn *c, int s, int err) {
  int reset = err == ECONNRESET || err == EPIPE;
  int reason = s == 0 ? (reset ? R_CLIENT_RESET : R_CLIENT_ERROR) : (reset ? R_UPSTREAM_RESET : R_UPSTREAM_ERROR);
  finish(e, c, reason, 1 << (1 - s), 0);
}

/* A connect that failed or timed out: back to accepted, so JavaScript can try another member. */
static void connect_failed(engine *e, conn *c, int err) {
  close(c->fd[1]); /* leaves epoll with it */
  c->fd[1] = -1;
  c->interest[1] = UINT32_MAX;
  e->waiting--;
  e->connecting--;
  c->state = S_ACCEPTED;
  emit_out(e, OUT_CONNECT, c->slot, err);
}

/* ---- moving bytes --------------------------------------------------------------------- */

/* Writes direction d's pipe into fd[1-d]. Returns 0, or -1 after finishing the connection. */
static int flush(engine *e, conn *c, int d, int64_t now) {
  while (c->pending[d] > 0) {
    ssize_t n = splice(c->pipe[d].r, NULL, c->fd[1 - d], NULL, c->pending[d], SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      c->pending[d] -= (size_t)n;
      c->last_active_ms = now;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return 0;
    } else {
      fail_side(e, c, 1 - d, n < 0 ? errno : EPIPE);
      return -1;
    }
  }
  pipe_release(e, &c->pipe[d], 1);
  if (c->eof[d] && !c->shut[d]) {
    c->shut[d] = 1;
    if (shutdown(c->fd[1 - d], SHUT_WR) != 0 && errno != ENOTCONN) {
      fail_side(e, c, 1 - d, errno);
      return -1;
    }
  }
  return 0;
}

/* The engine runs on one thread: one copy buffer serves every connection. */
static char copy_buffer[COPY_BYTES];

static void note_eof(conn *c, int d) {
  c->eof[d] = 1;
  if (c->first_eof < 0) c->first_eof = d;
}

/* One read of fd[d] into the pipe. Returns 1 when fd[d] is drained (or at EOF), 0 to read on,
 * -1 after finishing the connection. */
static int read_spliced(engine *e, conn *c, int d, int64_t now) {
  if (c->pipe[d].r < 0 && pipe_take(e, &c->pipe[d]) != 0) {
    fail_side(e, c, d, errno);
    return -1;
  }
  ssize_t n;
  do n = splice(c->fd[d], NULL, c->pipe[d].w, NULL, c->pipe[d].capacity, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  while (n < 0 && errno == EINTR);
  if (n == 0) {
    note_eof(c, d);
    return 1;
  }
  if (n < 0 && errno == EAGAIN) {
    /* Drained: an idle connection holds no pipe (the pool keeps it warm). */
    pipe_release(e, &c->pipe[d], 1);
    return 1;
  }
  if (n < 0) {
    fail_side(e, c, d, errno);
    return -1;
  }
  c->bytes[d] += (uint64_t)n;
  c->pending[d] = (size_t)n;
  c->last_active_ms = now;
  if (n < COPY_BYTES) c->bulk[d] = 0;
  /* Less than a pipe's worth: the socket was drained. Another read would only say EAGAIN;
   * level-triggered epoll reports whatever arrives next. */
  return (size_t)n < c->pipe[d].capacity;
}

/* One read of fd[d] into the copy buffer, sent on at once; what fd[1-d] cannot take now goes
 * into the pipe. Returns like read_spliced. */
static int read_copied(engine *e, conn *c, int d, int64_t now) {
  ssize_t n;
  do n = recv(c->fd[d], copy_buffer, COPY_BYTES, 0);
  while (n < 0 && errno == EINTR);
  if (n == 0) {
    note_eof(c, d);
    return 1;
  }
  if (n < 0 && errno == EAGAIN) return 1;
  if (n < 0) {
    fail_side(e, c, d, errno);
    return -1;
  }
  c->bytes[d] += (uint64_t)n;
  c->last_active_ms = now;
  ssize_t sent;
  do sent = send(c->fd[1 - d], copy_buffer, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (sent < 0 && errno == EINTR);
  if (sent < 0 && errno != EAGAIN) {
    fail_side(e, c, 1 - d, errno);
    return -1;
  }
  if (sent < 0) sent = 0;
  if (sent < n) {
    /* The rest fits an empty pipe (its capacity is at least 64 KiB); flush() sends it on. */
    if (c->pipe[d].r < 0 && pipe_take(e, &c->pipe[d]) != 0) {
      fail_side(e, c, d, errno);
      return -1;
    }
    ssize_t queued = write(c->pipe[d].w, copy_buffer + sent, (size_t)(n - sent));
    if (queued != n - sent) {
      fail_side(e, c, d, queued < 0 ? errno : ENOBUFS);
      return -1;
    }
    c->pending[d] = (size_t)queued;
  }
  if (n < COPY_BYTES) {
    e->small_read = 1;
    return 1;
  }
  c->bulk[d] = 1; /* a full buffer: a bulk transfer, splice from now on */
  return 0;
}

/* Reads fd[d] and passes the bytes on, a bounded number of rounds, never past a pipe's worth
 * the destination has not taken (backpressure). */
static int pump(engine *e, conn *c, int d, int64_t now) {
  for (int round = 0; round < ROUNDS_PER_EVENT && !c->eof[d] && c->pending[d] == 0; round++) {
    int drained = c->bulk[d] ? read_spliced(e, c, d, now) : read_copied(e, c, d, now);
    if (drained < 0) return -1;
    if (flush(e, c, d, now) != 0) return -1;
    if (drained) break;
  }
  return 0;
}

static void on_connected(engine *e, conn *c, uint32_t events) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0 && (events & (EPOLLERR | EPOLLHUP))) err = ECONNREFUSED;
  if (err != 0) {
    connect_failed(e, c, err);
    return;
  }
  /* Connected: nothing is read until JavaScript calls start(). The connect was watched with
   * EPOLLONESHOT, so the descriptor now sits disabled in epoll (no event, not even an error,
   * can repeat before start re-arms it). */
  e->waiting--;
  e->connecting--;
  c->state = S_CONNECTED;
  c->interest[1] = 0;
  emit_out(e, OUT_CONNECT, c->slot, 0);
}

static void handle_event(engine *e, uint32_t slot, int s, uint32_t events, int64_t now) {
  /* A connection finished earlier in the same batch has left the table. */
  conn *c = slot_conn(e, slot);
  if (c == NULL) return;
  if (c->state == S_CONNECTING) {
    if (s == 1) on_connected(e, c, events);
    return;
  }
  if (c->state != S_ACTIVE) return; /* waiting for JavaScript; errors surface once started */
  if (events & EPOLLERR) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd[s], SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail_side(e, c, s, err);
      return;
    }
  }
  /* Hung up with its read side at EOF: the peer is gone both ways, so whatever still flows
   * towards it can never be delivered. */
  if ((events & EPOLLHUP) && c->eof[s] && !c->shut[1 - s]) {
    fail_side(e, c, s, ECONNRESET);
    return;
  }
  if ((events & EPOLLOUT) && flush(e, c, 1 - s, now) != 0) return;
  if ((events & (EPOLLIN | EPOLLHUP)) && !c->eof[s] && pump(e, c, s, now) != 0) return;
  if (c->shut[0] && c->shut[1]) {
    finish(e, c, c->first_eof == 1 ? R_UPSTREAM_END : R_CLIENT_END, 0, 0);
    return;
  }
  update_interest(e, c, 0);
  update_interest(e, c, 1);
}

/* ---- accepting ---------------------------------------------------------------------------- */

static void listener_watch(engine *e, int id, int on) {
  listener *l = &e->listeners[id];
  if (on) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LISTENER_TAG | (uint64_t)id};
    epoll_ctl(e->ep, EPOLL_CTL_ADD, l->fd, &ev);
  } else {
    epoll_ctl(e->ep, EPOLL_CTL_DEL, l->fd, NULL);
  }
}

static void accept_clients(engine *e, int id, int64_t now) {
  listener *l = &e->listeners[id];
  for (int i = 0; i < ACCEPTS_PER_EVENT && l->fd >= 0 && !l->paused; i++) {
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;
    int fd = accept4(l->fd, (struct sockaddr *)&peer, &peer_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* The pending connection stays queued and the socket stays readable: without a pause
         * this loop would spin. Clients wait in the backlog until descriptors are free. */
        l->paused = 1;
        l->resume_at = now + EMFILE_PAUSE_MS;
        listener_watch(e, id, 0);
        e->paused_listeners++;
        need_timer(e);
      }
      return;
    }
    /* TCP_NODELAY and keepalive come from the listening socket: Linux copies them to accepted sockets. */
    conn *c = slot_new(e, fd);
    event_out *o = c == NULL ? NULL : emit_out(e, OUT_ACCEPT, c->slot, id);
    if (o == NULL) {
      set_linger0(fd);
      close(fd);
      if (c != NULL) slot_free(e, c);
      continue;
    }
    o->port = 0;
    o->ip[0] = '\0';
    if (peer.ss_family == AF_INET) {
      struct sockaddr_in *v4 = (struct sockaddr_in *)&peer;
      inet_ntop(AF_INET, &v4->sin_addr, o->ip, sizeof o->ip);
      o->port = ntohs(v4->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&peer;
      inet_ntop(AF_INET6, &v6->sin6_addr, o->ip, sizeof o->ip);
      o->port = ntohs(v6->sin6_port);
    }
  }
}

/* ---- the loop callbacks ------------------------------------------------------------------- */

/* Adaptive busy polling, after KVM's halt polling. On a virtual machine (and on a real one in
 * a deep idle state) a core that sleeps in epoll_wait takes tens of microseconds to wake, which
 * is most of the latency a forwarder adds to a small request. So after forwarding small reads
 * (RPC traffic; bulk transfers never poll) the engine keeps asking epoll for up to poll_ns
 * before it lets the loop sleep. The window adapts to the gaps between small reads: a gap the
 * window missed but the ceiling would have caught doubles it (from POLL_GROW_START_NS); a gap
 * beyond the ceiling resets it to 0. So polling only happens while traffic arrives sooner than
 * the ceiling, where the core is busy anyway, and sparse traffic never polls. */
static void adapt_poll_window(engine *e, int64_t now) {
  if (e->last_small_ns == 0) return;
  int64_t gap = now - e->last_small_ns;
  if (gap <= e->poll_ns) return; /* caught by polling */
  if (gap <= e->poll_max_ns) {
    int64_t grown = e->poll_ns == 0 ? POLL_GROW_START_NS : e->poll_ns * 2;
    e->poll_ns = grown < e->poll_max_ns ? grown : e->poll_max_ns;
  } else {
    e->poll_ns = 0;
  }
}

static int handle_events(engine *e, struct epoll_event *evs) {
  int n = epoll_wait(e->ep, evs, EVENTS_PER_WAIT, 0);
  if (n <= 0) return n;
  int64_t ns = now_ns(), now = ns / 1000000;
  e->small_read = 0;
  for (int i = 0; i < n; i++) {
    uint64_t t = evs[i].data.u64;
    if (t & LISTENER_TAG) accept_clients(e, (int)(t & ~LISTENER_TAG), now);
    else handle_event(e, (uint32_t)(t >> 1), (int)(t & 1), evs[i].events, now);
  }
  if (e->small_read && e->poll_max_ns > 0) {
    adapt_poll_window(e, ns);
    e->last_small_ns = now_ns();
  }
  return n;
}

static void poll_cb(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  engine *e = handle->data;
  struct epoll_event evs[EVENTS_PER_WAIT];
  e->in_batch = 1;
  int64_t turn_end = 0, poll_end = 0;
  for (;;) {
    int n = handle_events(e, evs);
    if (n == EVENTS_PER_WAIT) continue;
    /* JavaScript has reports to act on (accepts, connects, closes): let the loop run it. */
    if (e->poll_ns == 0 || e->nout > 0 || e->last_small_ns == 0) break;
    int64_t now = now_ns();
    if (turn_end == 0) turn_end = now + POLL_TURN_MAX_NS;
    if (n > 0) poll_end = e->last_small_ns + e->poll_ns;
    if (now >= poll_end || now >= turn_end) break;
  }
  e->in_batch = 0;
  flush_out(e, 1);
}

static void timer_cb(uv_timer_t *timer) {
  engine *e = timer->data;
  int64_t now = now_ms();
  int idle_scan = now >= e->next_idle_scan;
  if (idle_scan) e->next_idle_scan = now + IDLE_SCAN_MS;
  e->in_batch = 1;
  /* Connect deadlines every tick; idle timeouts, seconds long, every IDLE_SCAN_MS. */
  if (e->connecting > 0 || (idle_scan && e->waiting > e->connecting)) {
    for (uint32_t slot = 0; slot < e->nslots; slot++) {
      conn *c = e->slots[slot];
      if (c == NULL) continue;
      if (c->state == S_CONNECTING && now >= c->deadline_ms) connect_failed(e, c, ETIMEDOUT);
      else if (idle_scan && c->state == S_ACTIVE && c->idle_ms > 0 && now - c->last_active_ms >= c->idle_ms) finish(e, c, R_IDLE_TIMEOUT, 0, 0);
    }
  }
  for (int id = 0; id < MAX_LISTENERS && e->paused_listeners > 0; id++) {
    listener *l = &e->listeners[id];
    if (l->fd >= 0 && l->paused && now >= l->resume_at) {
      l->paused = 0;
      e->paused_listeners--;
      listener_watch(e, id, 1);
    }
  }
  e->in_batch = 0;
  if (e->waiting == 0 && e->paused_listeners == 0) {
    uv_timer_stop(&e->timer);
    e->timer_running = 0;
  }
  flush_out(e, 1);
}

/* ---- engine lifetime ----------------------------------------------------------------------- */

static void free_engine(engine *e) {
  for (int i = 0; i < e->npool; i++) {
    close(e->pool[i].r);
    close(e->pool[i].w);
  }
  free(e->slots);
  free(e->free_slots);
  free(e->out);
  if (e->ep >= 0) close(e->ep);
  free(e);
}

static void handle_closed(uv_handle_t *handle) {
  engine *e = handle->data;
  if (--e->handles_open == 0 && e->finalized) free_engine(e);
}

/* Closes the listeners, resets every connection (reports are queued, not delivered), and
 * closes the libuv handles. */
static void stop_engine(engine *e) {
  if (e->stopped) return;
  e->stopped = 1;
  for (int id = 0; id < MAX_LISTENERS; id++) {
    if (e->listeners[id].fd >= 0) close(e->listeners[id].fd);
    e->listeners[id].fd = -1;
  }
  for (uint32_t slot = 0; slot < e->nslots; slot++) {
    if (e->slots[slot] != NULL) finish(e, e->slots[slot], R_REQUESTED, 3, 0);
  }
  uv_poll_stop(&e->poll);
  uv_timer_stop(&e->timer);
  uv_close((uv_handle_t *)&e->poll, handle_closed);
  uv_close((uv_handle_t *)&e->timer, handle_closed);
}

static void env_cleanup(void *arg) {
  engine *e = arg;
  e->finalized = 1; /* the environment is going away: never call into JavaScript again */
  stop_engine(e);
  e->nout = 0;
}

static void finalize_engine(napi_env env, void *data, void *hint) {
  (void)hint;
  engine *e = data;
  if (e->finalized) return; /* env_cleanup already ran */
  napi_remove_env_cleanup_hook(env, env_cleanup, e);
  e->finalized = 1;
  napi_delete_reference(env, e->on_accept);
  napi_delete_reference(env, e->on_connect);
  napi_delete_reference(env, e->on_close);
  napi_delete_reference(env, e->resource);
  napi_async_destroy(env, e->async);
  e->nout = 0;
  if (e->stopped && e->handles_open == 0) free_engine(e);
  else stop_engine(e);
}

/* ---- N-API surface --------------------------------------------------------------------- */

/* Throws an Error whose `code` is the errno name, as Node's own errors carry. */
static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[200];
  snprintf(message, sizeof message, "%s %s: %s", what, errno_name(err), strerror(err));
  napi_throw_error(env, errno_name(err), message);
  return NULL;
}

static engine *engine_arg(napi_env env, napi_value value) {
  engine *e = NULL;
  if (napi_get_value_external(env, value, (void **)&e) != napi_ok || e == NULL || e->stopped) {
    napi_throw_error(env, "ERR_SPLICE_ENGINE", "the splice engine is stopped");
    return NULL;
  }
  return e;
}

#define ARGS(count)                                         \
  size_t argc = count;                                      \
  napi_value argv[count];                                   \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);     \
  engine *e = engine_arg(env, argv[0]);                     \
  if (e == NULL) return NULL;

/* createEngine(onAccept(listener, slot, ip, port), onConnect(slot, errno | null),
 *              onClose(slot, reason, fromClient, fromUpstream)) -> engine */
static napi_value create_engine(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], name, resource, result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  engine *e = calloc(1, sizeof *e);
  if (e == NULL) return throw_errno(env, "calloc", ENOMEM);
  for (int id = 0; id < MAX_LISTENERS; id++) e->listeners[id].fd = -1;
  e->env = env;
  e->ep = epoll_create1(EPOLL_CLOEXEC);
  if (e->ep < 0 || napi_get_uv_event_loop(env, &e->loop) != napi_ok) {
    int err = errno;
    free_engine(e);
    return throw_errno(env, "epoll_create1", err);
  }
  if (uv_poll_init(e->loop, &e->poll, e->ep) != 0) {
    free_engine(e);
    napi_throw_error(env, "ERR_SPLICE_ENGINE", "uv_poll_init failed");
    return NULL;
  }
  uv_timer_init(e->loop, &e->timer);
  e->poll.data = e->timer.data = e;
  e->handles_open = 2;
  /* The poll handle is ref'd only while listening or carrying connections (update_ref); the
   * timer never keeps the process alive on its own. */
  uv_unref((uv_handle_t *)&e->poll);
  uv_unref((uv_handle_t *)&e->timer);
  uv_poll_start(&e->poll, UV_READABLE, poll_cb);
  napi_create_reference(env, argv[0], 1, &e->on_accept);
  napi_create_reference(env, argv[1], 1, &e->on_connect);
  napi_create_reference(env, argv[2], 1, &e->on_close);
  napi_create_object(env, &resource);
  napi_create_reference(env, resource, 1, &e->resource);
  napi_create_string_utf8(env, "nacos-proxy:splice", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &e->async);
  napi_add_env_cleanup_hook(env, env_cleanup, e);
  napi_create_external(env, e, finalize_engine, NULL, &result);
  return result;
}

/* Fills `address` from an IP literal; 0 on success. */
static int to_sockaddr(const char *ip, uint32_t port, struct sockaddr_storage *address, socklen_t *len) {
  memset(address, 0, sizeof *address);
  struct sockaddr_in *v4 = (struct sockaddr_in *)address;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
  if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return 0;
  }
  if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    return 0;
  }
  return -1;
}

/* listen(engine, ip | "", port, backlog) -> listener id. "" listens on every interface,
 * dual-stack on "::" where IPv6 exists (as Node does), else on 0.0.0.0. Throws with the
 * errno name as `code` (EADDRINUSE, EACCES, EADDRNOTAVAIL, ...). */
static napi_value listen_on(napi_env env, napi_callback_info info) {
  ARGS(4)
  char ip[64];
  size_t iplen;
  uint32_t port, backlog;
  napi_get_value_string_utf8(env, argv[1], ip, sizeof ip, &iplen);
  napi_get_value_uint32(env, argv[2], &port);
  napi_get_value_uint32(env, argv[3], &backlog);
  int id = 0;
  while (id < MAX_LISTENERS && e->listeners[id].fd >= 0) id++;
  if (id == MAX_LISTENERS) return throw_errno(env, "listen", EMFILE);
  struct sockaddr_storage address;
  socklen_t address_len;
  int any = iplen == 0;
  if (to_sockaddr(any ? "::" : ip, port, &address, &address_len) != 0) {
    napi_throw_type_error(env, "ERR_SPLICE_ENGINE", "listen() needs an IP address");
    return NULL;
  }
  int fd = socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 && any && errno == EAFNOSUPPORT) {
    to_sockaddr("0.0.0.0", port, &address, &address_len);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  tune_socket(fd);
  if (any && address.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind(fd, (struct sockaddr *)&address, address_len) != 0 || listen(fd, (int)backlog) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "listen", err);
  }
  e->listeners[id].fd = fd;
  e->listeners[id].paused = 0;
  listener_watch(e, id, 1);
  update_ref(e);
  napi_value result;
  napi_create_int32(env, id, &result);
  return result;
}

/* listenerAddress(engine, id) -> [ip, port, family] */
static napi_value listener_address(napi_env env, napi_callback_info info) {
  ARGS(2)
  int32_t id;
  napi_get_value_int32(env, argv[1], &id);
  if (id < 0 || id >= MAX_LISTENERS || e->listeners[id].fd < 0) return NULL;
  struct sockaddr_storage address;
  socklen_t len = sizeof address;
  getsockname(e->listeners[id].fd, (struct sockaddr *)&address, &len);
  char ip[INET6_ADDRSTRLEN] = "";
  uint16_t port = 0;
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &((struct sockaddr_in *)&address)->sin_addr, ip, sizeof ip);
    port = ntohs(((struct sockaddr_in *)&address)->sin_port);
  } else {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&address)->sin6_addr, ip, sizeof ip);
    port = ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
  }
  napi_value result, value;
  napi_create_array_with_length(env, 3, &result);
  napi_create_string_utf8(env, ip, NAPI_AUTO_LENGTH, &value);
  napi_set_element(env, result, 0, value);
  napi_create_uint32(env, port, &value);
  napi_set_element(env, result, 1, value);
  napi_create_string_utf8(env, address.ss_family == AF_INET ? "IPv4" : "IPv6", NAPI_AUTO_LENGTH, &value);
  napi_set_element(env, result, 2, value);
  return result;
}

/* unlisten(engine, id): stop accepting; accepted connections are not touched. */
static napi_value unlisten(napi_env env, napi_callback_info info) {
  ARGS(2)
  int32_t id;
  napi_get_value_int32(env, argv[1], &id);
  if (id < 0 || id >= MAX_LISTENERS || e->listeners[id].fd < 0) return NULL;
  listener *l = &e->listeners[id];
  if (l->paused) e->paused_listeners--;
  else listener_watch(e, id, 0);
  close(l->fd);
  l->fd = -1;
  l->paused = 0;
  update_ref(e);
  return NULL;
}

/* connect(engine, slot, ip, port, timeoutMs) -> undefined (pending: onConnect follows) or the
 * errno name of an immediate failure (no onConnect then; JavaScript may try again). */
static napi_value connect_upstream(napi_env env, napi_callback_info info) {
  ARGS(5)
  uint32_t slot, port;
  double timeout;
  char ip[64];
  size_t iplen;
  napi_get_value_uint32(env, argv[1], &slot);
  napi_get_value_string_utf8(env, argv[2], ip, sizeof ip, &iplen);
  napi_get_value_uint32(env, argv[3], &port);
  napi_get_value_double(env, argv[4], &timeout);
  conn *c = slot_conn(e, slot);
  if (c == NULL || c->state != S_ACCEPTED) {
    napi_throw_error(env, "ERR_SPLICE_ENGINE", "connect() needs an accepted client without an upstream in this slot");
    return NULL;
  }
  struct sockaddr_storage address;
  socklen_t address_len;
  if (to_sockaddr(ip, port, &address, &address_len) != 0) {
    napi_throw_type_error(env, "ERR_SPLICE_ENGINE", "connect() needs an IP address");
    return NULL;
  }
  int fd = socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) {
    tune_socket(fd);
    if (connect(fd, (struct sockaddr *)&address, address_len) != 0 && errno != EINPROGRESS) err = errno;
  }
  napi_value result;
  if (err != 0) {
    if (fd >= 0) close(fd);
    napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &result);
    return result;
  }
  c->fd[1] = fd;
  c->state = S_CONNECTING;
  c->deadline_ms = now_ms() + (int64_t)timeout;
  e->waiting++;
  e->connecting++;
  set_interest(e, c, 1, EPOLLOUT | EPOLLONESHOT);
  need_timer(e);
  return NULL;
}

/* start(engine, slot, idleMs): the connected pair starts moving bytes. */
static napi_value start(napi_env env, napi_callback_info info) {
  ARGS(3)
  uint32_t slot;
  double idle;
  napi_get_value_uint32(env, argv[1], &slot);
  napi_get_value_double(env, argv[2], &idle);
  conn *c = slot_conn(e, slot);
  if (c == NULL || c->state != S_CONNECTED) {
    napi_throw_error(env, "ERR_SPLICE_ENGINE", "start() needs a connected pair in this slot");
    return NULL;
  }
  c->state = S_ACTIVE;
  c->idle_ms = idle > 0 ? (int64_t)idle : 0;
  c->last_active_ms = now_ms();
  if (c->idle_ms > 0) {
    e->waiting++;
    need_timer(e);
  }
  update_interest(e, c, 0);
  update_interest(e, c, 1);
  return NULL;
}

/* reset(engine, slot): RST both sides in any state; onClose("requested") is delivered before
 * this returns (or at the end of the batch that is delivering reports). */
static napi_value reset(napi_env env, napi_callback_info info) {
  ARGS(2)
  uint32_t slot;
  napi_get_value_uint32(env, argv[1], &slot);
  conn *c = slot_conn(e, slot);
  if (c != NULL) {
    finish(e, c, R_REQUESTED, 3, 0);
    if (!e->in_batch) flush_out(e, 0);
  }
  return NULL;
}

/* drop(engine, slot): RST the client of a connection JavaScript refused; no report. */
static napi_value drop(napi_env env, napi_callback_info info) {
  ARGS(2)
  uint32_t slot;
  napi_get_value_uint32(env, argv[1], &slot);
  conn *c = slot_conn(e, slot);
  if (c != NULL) finish(e, c, R_REQUESTED, 3, 1);
  return NULL;
}

/* stats(engine) -> Float64Array [slot, bytesFromClient, bytesFromUpstream, pendingBytes, ...] of started connections */
static napi_value stats(napi_env env, napi_callback_info info) {
  ARGS(1)
  double *data = NULL;
  napi_value buffer, array;
  napi_create_arraybuffer(env, (size_t)e->live * 4 * sizeof(double), (void **)&data, &buffer);
  size_t i = 0;
  for (uint32_t slot = 0; slot < e->nslots && i < e->live; slot++) {
    conn *c = e->slots[slot];
    if (c == NULL || c->state != S_ACTIVE) continue;
    data[i * 4] = (double)slot;
    data[i * 4 + 1] = (double)c->bytes[0];
    data[i * 4 + 2] = (double)c->bytes[1];
    data[i * 4 + 3] = (double)(c->pending[0] + c->pending[1]);
    i++;
  }
  napi_create_typedarray(env, napi_float64_array, i * 4, buffer, 0, &array);
  return array;
}

/* tcpOptions(fd) -> [TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE seconds] of a TCP socket of this
 * process, whichever data path opened it: what the tests read to hold both paths to no-delay
 * and keepalive on both sockets of a connection. Throws with the errno name as `code`. */
static napi_value tcp_options(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result, value;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  napi_get_value_int32(env, argv[0], &fd);
  int options[3] = {0, 0, 0};
  socklen_t len = sizeof(int);
  if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &options[0], &len) != 0 ||
      getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &options[1], &len) != 0 ||
      getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &options[2], &len) != 0)
    return throw_errno(env, "getsockopt", errno);
  napi_create_array_with_length(env, 3, &result);
  for (uint32_t i = 0; i < 3; i++) {
    napi_create_int32(env, options[i], &value);
    napi_set_element(env, result, i, value);
  }
  return result;
}

/* setBusyPoll(engine, maxMicroseconds): the ceiling of the adaptive busy-poll window; 0 turns
 * polling off. */
static napi_value set_busy_poll(napi_env env, napi_callback_info info) {
  ARGS(2)
  double us;
  napi_get_value_double(env, argv[1], &us);
  e->poll_max_ns = us > 0 ? (int64_t)(us * 1000) : 0;
  if (e->poll_ns > e->poll_max_ns) e->poll_ns = e->poll_max_ns;
  if (e->poll_max_ns == 0) e->last_small_ns = 0;
  return NULL;
}

/* pollWindow(engine) -> microseconds: the busy-poll window as adapted so far (for /status). */
static napi_value poll_window(napi_env env, napi_callback_info info) {
  ARGS(1)
  napi_value result;
  napi_create_double(env, (double)e->poll_ns / 1000, &result);
  return result;
}

/* stop(engine): closes the listeners and resets every connection; their reports are delivered
 * before the call returns. The engine cannot be used afterwards. */
static napi_value stop(napi_env env, napi_callback_info info) {
  ARGS(1)
  stop_engine(e);
  flush_out(e, 0);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"createEngine", NULL, create_engine, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"listen", NULL, listen_on, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"listenerAddress", NULL, listener_address, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"unlisten", NULL, unlisten, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"connect", NULL, connect_upstream, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"start", NULL, start, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"reset", NULL, reset, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"drop", NULL, drop, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"stop", NULL, stop, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"tcpOptions", NULL, tcp_options, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"setBusyPoll", NULL, set_busy_poll, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"pollWindow", NULL, poll_window, NULL, NULL, NULL, napi_default_jsproperty, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
