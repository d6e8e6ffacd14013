/*
 * splice engine: the optional native data path of nacos-proxy.
 *
 * Why native: moving bytes through JavaScript costs a copy into a fresh Buffer per read, a
 * copy back into the kernel per write, and stream bookkeeping per chunk. splice(2) moves the
 * pages between the two sockets inside the kernel (socket -> pipe -> socket), which is what
 * HAProxy's splice mode does; no npm library offers it. JavaScript keeps everything else
 * (accept, admission, balancing, connect with retries, health, logging): once a client and
 * its upstream are connected, their file descriptors are handed to this engine, and the
 * engine reports back once, when the connection ends, with its reason and byte counts.
 *
 * Threading: one engine thread per engine runs an epoll loop over all adopted connections
 * and is the only writer of the connection table. JavaScript picks the table slot of each
 * connection (and frees it only after the close report), hands connections over and asks for
 * resets through a mutex-protected command queue woken with an eventfd, and reads counters
 * under the same mutex. Closes are reported through a N-API thread-safe function. Only N-API
 * (node_api.h) is used, so one build works on every Node version of the engines range.
 *
 * Contract (the same as the JavaScript Forwarder, tested by the same suite):
 * - bytes pass unchanged; backpressure: a direction stops reading while its pipe holds bytes
 *   the destination cannot take, so at most one pipe's worth is buffered per direction;
 * - half-close: EOF from one side becomes shutdown(SHUT_WR) on the other once its pipe is
 *   flushed; the other direction keeps flowing;
 * - a reset or error on one side resets the other (SO_LINGER 0 + close sends RST);
 * - one report per connection after both sockets are closed.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Close reasons; the order matches NATIVE_REASONS in src/proxy/splice-path.ts. */
enum {
  R_CLIENT_END = 0,
  R_UPSTREAM_END,
  R_CLIENT_RESET,
  R_UPSTREAM_RESET,
  R_CLIENT_ERROR,
  R_UPSTREAM_ERROR,
  R_IDLE_TIMEOUT,
  R_REQUESTED, /* reset() or close() from JavaScript; JavaScript knows why */
};

enum { CMD_ADD, CMD_RESET, CMD_CLOSE, CMD_STOP };

#define PIPE_BYTES (1 << 20)   /* asked with F_SETPIPE_SZ; the kernel may grant less */
#define PIPE_POOL_MAX 256      /* empty pipes kept for reuse; idle connections hold none */
#define EVENTS_PER_WAIT 256
#define ROUNDS_PER_EVENT 8     /* splice rounds per wake-up, so one busy connection cannot starve others */
#define MAX_SLOTS (1 << 24)
#define TAG_EVENTFD UINT64_MAX

typedef struct {
  int r, w;
  size_t capacity;
} pipe_pair;

typedef struct conn {
  double id;                 /* the JavaScript session id, echoed in the report */
  uint32_t slot;
  int fd[2];                 /* 0 = client, 1 = upstream */
  pipe_pair pipe[2];         /* direction d carries bytes read from fd[d] to fd[1-d]; r = -1 when none */
  _Atomic size_t pending[2]; /* bytes of direction d held in its pipe */
  _Atomic uint64_t bytes[2]; /* bytes read from fd[d] */
  uint8_t eof[2];            /* fd[d] delivered EOF */
  uint8_t shut[2];           /* direction d's FIN was passed on (shutdown of fd[1-d]) */
  int first_eof;             /* side whose EOF came first, -1 if none */
  uint32_t interest[2];      /* events registered for fd[d]; UINT32_MAX = not in epoll */
  int64_t idle_ms;
  int64_t last_active_ms;
} conn;

typedef struct command {
  int kind;
  uint32_t slot;
  conn *conn; /* CMD_ADD only */
  struct command *next;
} command;

typedef struct report {
  double id;
  uint32_t slot;
  int reason;
  double bytes[2];
} report;

typedef struct engine {
  int ep;
  int evfd;
  pthread_t thread;
  int thread_started;
  pthread_mutex_t lock;        /* guards commands; table changes (engine thread) and reads by other threads */
  conn **slots;                /* indexed by the slot JavaScript chose */
  uint32_t nslots;
  uint32_t live_count;
  uint32_t idle_count;         /* live connections with an idle timeout (engine thread only) */
  command *cmd_head, *cmd_tail;
  pipe_pair pool[PIPE_POOL_MAX];
  int npool;
  napi_threadsafe_function tsfn;
  int stopped;
} engine;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_linger0(int fd) {
  struct linger l = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
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

/* ---- epoll interest ------------------------------------------------------------------- */

static uint64_t tag(uint32_t slot, int side) { return ((uint64_t)slot << 1) | (uint64_t)side; }

/* fd[s] is finished when its read side ended and the direction towards it passed its FIN. */
static int side_done(conn *c, int s) { return c->eof[s] && c->shut[1 - s]; }

static void update_interest(engine *e, conn *c, int s) {
  if (side_done(c, s)) {
    if (c->interest[s] != UINT32_MAX) {
      epoll_ctl(e->ep, EPOLL_CTL_DEL, c->fd[s], NULL);
      c->interest[s] = UINT32_MAX;
    }
    return;
  }
  uint32_t want = 0;
  /* Read only while this direction's pipe is empty: that is the backpressure. */
  if (!c->eof[s] && atomic_load_explicit(&c->pending[s], memory_order_relaxed) == 0) want |= EPOLLIN;
  if (atomic_load_explicit(&c->pending[1 - s], memory_order_relaxed) > 0) want |= EPOLLOUT;
  if (want == c->interest[s]) return;
  struct epoll_event ev = {.events = want, .data.u64 = tag(c->slot, s)};
  epoll_ctl(e->ep, c->interest[s] == UINT32_MAX ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd[s], &ev);
  c->interest[s] = want;
}

/* ---- ending a connection -------------------------------------------------------------- */

static void send_report(engine *e, conn *c, int reason) {
  report *r = malloc(sizeof *r);
  if (r == NULL) return;
  r->id = c->id;
  r->slot = c->slot;
  r->reason = reason;
  r->bytes[0] = (double)atomic_load(&c->bytes[0]);
  r->bytes[1] = (double)atomic_load(&c->bytes[1]);
  if (napi_call_threadsafe_function(e->tsfn, r, napi_tsfn_nonblocking) != napi_ok) free(r);
}

/* Closes both sockets (with RST on the sides in rst_mask), reports, and frees the connection. */
static void finish(engine *e, conn *c, int reason, int rst_mask) {
  for (int s = 0; s < 2; s++) {
    if (c->interest[s] != UINT32_MAX) epoll_ctl(e->ep, EPOLL_CTL_DEL, c->fd[s], NULL);
    if (rst_mask & (1 << s)) set_linger0(c->fd[s]);
    close(c->fd[s]);
    pipe_release(e, &c->pipe[s], atomic_load(&c->pending[s]) == 0);
  }
  send_report(e, c, reason);
  if (c->idle_ms > 0) e->idle_count--;
  pthread_mutex_lock(&e->lock);
  e->slots[c->slot] = NULL;
  e->live_count--;
  pthread_mutex_unlock(&e->lock);
  free(c);
}

/* The socket fd[s] failed with err: reset the other side, close this one. */
static void fail_side(engine *e, conn *c, int s, int err) {
  int reset = err == ECONNRESET || err == EPIPE;
  int reason = s == 0 ? (reset ? R_CLIENT_RESET : R_CLIENT_ERROR) : (reset ? R_UPSTREAM_RESET : R_UPSTREAM_ERROR);
  finish(e, c, reason, 1 << (1 - s));
}

/* ---- moving bytes --------------------------------------------------------------------- */

/* Writes direction d's pipe into fd[1-d]. Returns 0, or -1 after finishing the connection. */
static int flush(engine *e, conn *c, int d, int64_t now) {
  size_t pending = atomic_load_explicit(&c->pending[d], memory_order_relaxed);
  while (pending > 0) {
    ssize_t n = splice(c->pipe[d].r, NULL, c->fd[1 - d], NULL, pending, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      pending -= (size_t)n;
      c->last_active_ms = now;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      break;
    } else {
      atomic_store_explicit(&c->pending[d], pending, memory_order_relaxed);
      fail_side(e, c, 1 - d, n < 0 ? errno : EPIPE);
      return -1;
    }
  }
  atomic_store_explicit(&c->pending[d], pending, memory_order_relaxed);
  if (pending == 0) {
    pipe_release(e, &c->pipe[d], 1);
    if (c->eof[d] && !c->shut[d]) {
      c->shut[d] = 1;
      if (shutdown(c->fd[1 - d], SHUT_WR) != 0 && errno != ENOTCONN) {
        fail_side(e, c, 1 - d, errno);
        return -1;
      }
    }
  }
  return 0;
}

/* Reads fd[d] into its pipe and flushes, a bounded number of rounds. */
static int pump(engine *e, conn *c, int d, int64_t now) {
  for (int round = 0; round < ROUNDS_PER_EVENT && !c->eof[d]; round++) {
    if (atomic_load_explicit(&c->pending[d], memory_order_relaxed) > 0) break;
    if (c->pipe[d].r < 0 && pipe_take(e, &c->pipe[d]) != 0) {
      fail_side(e, c, d, errno);
      return -1;
    }
    ssize_t n = splice(c->fd[d], NULL, c->pipe[d].w, NULL, c->pipe[d].capacity, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      atomic_fetch_add_explicit(&c->bytes[d], (uint64_t)n, memory_order_relaxed);
      atomic_store_explicit(&c->pending[d], (size_t)n, memory_order_relaxed);
      c->last_active_ms = now;
    } else if (n == 0) {
      c->eof[d] = 1;
      if (c->first_eof < 0) c->first_eof = d;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN) {
      /* The socket is drained: an idle connection holds no pipe (the pool keeps it warm). */
      if (atomic_load_explicit(&c->pending[d], memory_order_relaxed) == 0) pipe_release(e, &c->pipe[d], 1);
      break;
    } else {
      fail_side(e, c, d, errno);
      return -1;
    }
    if (flush(e, c, d, now) != 0) return -1;
  }
  if (c->eof[d] && atomic_load_explicit(&c->pending[d], memory_order_relaxed) == 0 && !c->shut[d]) {
    return flush(e, c, d, now);
  }
  return 0;
}

static void handle_event(engine *e, uint32_t slot, int s, uint32_t events, int64_t now) {
  /* A connection finished earlier in the same batch has left the table. */
  conn *c = slot < e->nslots ? e->slots[slot] : NULL;
  if (c == NULL) return;
  if (events & (EPOLLERR | EPOLLHUP)) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd[s], SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail_side(e, c, s, err);
      return;
    }
    /* Hung up with its read side already at EOF: the peer is gone both ways, so whatever
     * still flows towards it can never be delivered. */
    if ((events & EPOLLHUP) && c->eof[s] && !c->shut[1 - s]) {
      fail_side(e, c, s, ECONNRESET);
      return;
    }
  }
  if ((events & EPOLLOUT) && flush(e, c, 1 - s, now) != 0) return;
  if ((events & (EPOLLIN | EPOLLHUP)) && !c->eof[s] && pump(e, c, s, now) != 0) return;
  if (c->shut[0] && c->shut[1]) {
    finish(e, c, c->first_eof == 1 ? R_UPSTREAM_END : R_CLIENT_END, 0);
    return;
  }
  update_interest(e, c, 0);
  update_interest(e, c, 1);
}

/* ---- commands from JavaScript ---------------------------------------------------------- */

static int push_command(engine *e, int kind, uint32_t slot, conn *c) {
  command *cmd = malloc(sizeof *cmd);
  if (cmd == NULL) return -1;
  cmd->kind = kind;
  cmd->slot = slot;
  cmd->conn = c;
  cmd->next = NULL;
  pthread_mutex_lock(&e->lock);
  if (e->cmd_tail) e->cmd_tail->next = cmd;
  else e->cmd_head = cmd;
  e->cmd_tail = cmd;
  pthread_mutex_unlock(&e->lock);
  uint64_t one = 1;
  ssize_t ignored = write(e->evfd, &one, sizeof one);
  (void)ignored;
  return 0;
}

/* Puts an adopted connection into the table (growing it) and into epoll. */
static void add_conn(engine *e, conn *c, int64_t now) {
  if (c->slot >= e->nslots) {
    uint32_t grown = e->nslots == 0 ? 1024 : e->nslots;
    while (grown <= c->slot) grown *= 2;
    pthread_mutex_lock(&e->lock);
    conn **slots = realloc(e->slots, grown * sizeof *slots);
    if (slots != NULL) {
      memset(slots + e->nslots, 0, (grown - e->nslots) * sizeof *slots);
      e->slots = slots;
      e->nslots = grown;
    }
    pthread_mutex_unlock(&e->lock);
    if (slots == NULL) {
      /* Out of memory for the table: refuse the connection as a failed connect would. */
      set_linger0(c->fd[0]);
      close(c->fd[0]);
      close(c->fd[1]);
      send_report(e, c, R_UPSTREAM_ERROR);
      free(c);
      return;
    }
  }
  pthread_mutex_lock(&e->lock);
  e->slots[c->slot] = c;
  e->live_count++;
  pthread_mutex_unlock(&e->lock);
  if (c->idle_ms > 0) e->idle_count++;
  c->last_active_ms = now;
  update_interest(e, c, 0);
  update_interest(e, c, 1);
}

/* Returns 1 when the engine must stop. */
static int run_commands(engine *e, int64_t now) {
  pthread_mutex_lock(&e->lock);
  command *cmd = e->cmd_head;
  e->cmd_head = e->cmd_tail = NULL;
  pthread_mutex_unlock(&e->lock);
  int stop = 0;
  while (cmd) {
    command *next = cmd->next;
    conn *c = cmd->slot < e->nslots ? e->slots[cmd->slot] : NULL;
    if (cmd->kind == CMD_STOP) {
      stop = 1;
    } else if (cmd->kind == CMD_ADD) {
      add_conn(e, cmd->conn, now);
    } else if (cmd->kind == CMD_RESET && c != NULL) {
      /* A slot is only reused after its close report, so a command for a finished
       * connection finds the slot empty and does nothing. */
      finish(e, c, R_REQUESTED, 3);
    } else if (cmd->kind == CMD_CLOSE && c != NULL) {
      finish(e, c, R_REQUESTED, 0);
    }
    free(cmd);
    cmd = next;
  }
  return stop;
}

static void check_idle(engine *e, int64_t now) {
  for (uint32_t slot = 0; slot < e->nslots; slot++) {
    conn *c = e->slots[slot];
    if (c != NULL && c->idle_ms > 0 && now - c->last_active_ms >= c->idle_ms) finish(e, c, R_IDLE_TIMEOUT, 0);
  }
}

static void *engine_main(void *arg) {
  engine *e = arg;
  struct epoll_event events[EVENTS_PER_WAIT];
  int64_t next_idle_check = now_ms() + 100;
  for (;;) {
    int timeout = -1;
    if (e->idle_count > 0) {
      int64_t wait = next_idle_check - now_ms();
      timeout = wait < 0 ? 0 : (int)wait;
    }
    int n = epoll_wait(e->ep, events, EVENTS_PER_WAIT, timeout);
    if (n < 0 && errno != EINTR) break;
    int64_t now = now_ms();
    for (int i = 0; i < n; i++) {
      uint64_t t = events[i].data.u64;
      if (t == TAG_EVENTFD) {
        uint64_t count;
        ssize_t ignored = read(e->evfd, &count, sizeof count);
        (void)ignored;
        if (run_commands(e, now)) goto stop;
      } else {
        handle_event(e, (uint32_t)(t >> 1), (int)(t & 1), events[i].events, now);
      }
    }
    if (e->idle_count > 0 && now >= next_idle_check) {
      check_idle(e, now);
      next_idle_check = now + 100;
    }
  }
stop:
  for (uint32_t slot = 0; slot < e->nslots; slot++) {
    if (e->slots[slot] != NULL) finish(e, e->slots[slot], R_REQUESTED, 3);
  }
  return NULL;
}

/* ---- N-API surface --------------------------------------------------------------------- */

static const char *const REASON_NAMES[] = {"client-end", "upstream-end", "client-reset", "upstream-reset",
                                     "client-error", "upstream-error", "idle-timeout", "requested"};

static void call_js(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  report *r = data;
  if (env != NULL && callback != NULL) {
    napi_value args[5], undefined;
    napi_create_uint32(env, r->slot, &args[0]);
    napi_create_double(env, r->id, &args[1]);
    napi_create_string_utf8(env, REASON_NAMES[r->reason], NAPI_AUTO_LENGTH, &args[2]);
    napi_create_double(env, r->bytes[0], &args[3]);
    napi_create_double(env, r->bytes[1], &args[4]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, callback, 5, args, NULL);
  }
  free(r);
}

static void stop_engine(engine *e) {
  if (e->stopped) return;
  e->stopped = 1;
  if (e->thread_started) {
    while (push_command(e, CMD_STOP, 0, NULL) != 0) usleep(1000);
    pthread_join(e->thread, NULL);
  }
}

static void free_engine(engine *e) {
  for (int i = 0; i < e->npool; i++) {
    close(e->pool[i].r);
    close(e->pool[i].w);
  }
  while (e->cmd_head) {
    command *next = e->cmd_head->next;
    if (e->cmd_head->conn != NULL) {
      close(e->cmd_head->conn->fd[0]);
      close(e->cmd_head->conn->fd[1]);
      free(e->cmd_head->conn);
    }
    free(e->cmd_head);
    e->cmd_head = next;
  }
  free(e->slots);
  close(e->ep);
  close(e->evfd);
  pthread_mutex_destroy(&e->lock);
  free(e);
}

static void env_cleanup(void *arg) { stop_engine(arg); }

static void finalize_engine(napi_env env, void *data, void *hint) {
  (void)hint;
  engine *e = data;
  stop_engine(e);
  napi_remove_env_cleanup_hook(env, env_cleanup, e);
  free_engine(e);
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EMFILE || err == ENFILE ? "EMFILE" : "ERR_SPLICE_ENGINE", message);
  return NULL;
}

static engine *engine_arg(napi_env env, napi_value value) {
  engine *e = NULL;
  if (napi_get_value_external(env, value, (void **)&e) != napi_ok || e == NULL || e->stopped) {
    napi_throw_error(env, "ERR_SPLICE_ENGINE", "engine is stopped or invalid");
    return NULL;
  }
  return e;
}

/* createEngine(onClose(slot, id, reason, bytesFromClient, bytesFromUpstream)) -> engine */
static napi_value create_engine(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name, result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  engine *e = calloc(1, sizeof *e);
  if (e == NULL) return throw_errno(env, "calloc", ENOMEM);
  pthread_mutex_init(&e->lock, NULL);
  e->ep = epoll_create1(EPOLL_CLOEXEC);
  e->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (e->ep < 0 || e->evfd < 0) {
    int err = errno;
    free_engine(e);
    return throw_errno(env, "epoll/eventfd", err);
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_EVENTFD};
  epoll_ctl(e->ep, EPOLL_CTL_ADD, e->evfd, &ev);
  napi_create_string_utf8(env, "nacos-proxy splice engine", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &e->tsfn) != napi_ok) {
    free_engine(e);
    napi_throw_error(env, "ERR_SPLICE_ENGINE", "cannot create the close callback");
    return NULL;
  }
  /* The engine must never keep a stopping process alive. */
  napi_unref_threadsafe_function(env, e->tsfn);
  if (pthread_create(&e->thread, NULL, engine_main, e) != 0) {
    int err = errno;
    napi_release_threadsafe_function(e->tsfn, napi_tsfn_abort);
    free_engine(e);
    return throw_errno(env, "pthread_create", err);
  }
  e->thread_started = 1;
  napi_add_env_cleanup_hook(env, env_cleanup, e);
  napi_create_external(env, e, finalize_engine, NULL, &result);
  return result;
}

/* adopt(engine, slot, id, clientFd, upstreamFd, idleMs). The fds are duplicated: the caller
 * closes its own copies (destroying its sockets) right after this returns. `slot` is chosen
 * by the caller among slots without a live connection, and reused only after its report. */
static napi_value adopt(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  uint32_t slot;
  double id, idle;
  int32_t fds[2];
  if (napi_get_value_uint32(env, argv[1], &slot) != napi_ok || slot >= MAX_SLOTS) {
    napi_throw_range_error(env, "ERR_SPLICE_ENGINE", "slot out of range");
    return NULL;
  }
  napi_get_value_double(env, argv[2], &id);
  napi_get_value_int32(env, argv[3], &fds[0]);
  napi_get_value_int32(env, argv[4], &fds[1]);
  napi_get_value_double(env, argv[5], &idle);
  conn *c = calloc(1, sizeof *c);
  if (c == NULL) return throw_errno(env, "calloc", ENOMEM);
  for (int s = 0; s < 2; s++) {
    c->fd[s] = fcntl(fds[s], F_DUPFD_CLOEXEC, 3);
    if (c->fd[s] < 0) {
      int err = errno;
      if (s == 1) close(c->fd[0]);
      free(c);
      return throw_errno(env, "dup", err);
    }
    int flags = fcntl(c->fd[s], F_GETFL);
    fcntl(c->fd[s], F_SETFL, flags | O_NONBLOCK);
    c->pipe[s].r = c->pipe[s].w = -1;
    c->interest[s] = UINT32_MAX;
  }
  c->id = id;
  c->slot = slot;
  c->first_eof = -1;
  c->idle_ms = idle > 0 ? (int64_t)idle : 0;
  if (push_command(e, CMD_ADD, slot, c) != 0) {
    close(c->fd[0]);
    close(c->fd[1]);
    free(c);
    return throw_errno(env, "adopt", ENOMEM);
  }
  return NULL;
}

static napi_value command_call(napi_env env, napi_callback_info info, int kind) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  uint32_t slot;
  napi_get_value_uint32(env, argv[1], &slot);
  if (push_command(e, kind, slot, NULL) != 0) return throw_errno(env, "command", ENOMEM);
  return NULL;
}

/* reset(engine, slot): RST both sides. close(engine, slot): orderly close of both. */
static napi_value reset(napi_env env, napi_callback_info info) { return command_call(env, info, CMD_RESET); }
static napi_value close_conn(napi_env env, napi_callback_info info) { return command_call(env, info, CMD_CLOSE); }

/* stats(engine) -> Float64Array [id, bytesFromClient, bytesFromUpstream, pendingBytes, ...] */
static napi_value stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], buffer, array;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  pthread_mutex_lock(&e->lock);
  size_t count = e->live_count;
  double *data = NULL;
  napi_create_arraybuffer(env, count * 4 * sizeof(double), (void **)&data, &buffer);
  size_t i = 0;
  for (uint32_t slot = 0; slot < e->nslots && i < count; slot++) {
    conn *c = e->slots[slot];
    if (c == NULL) continue;
    data[i * 4] = c->id;
    data[i * 4 + 1] = (double)atomic_load_explicit(&c->bytes[0], memory_order_relaxed);
    data[i * 4 + 2] = (double)atomic_load_explicit(&c->bytes[1], memory_order_relaxed);
    data[i * 4 + 3] = (double)(atomic_load_explicit(&c->pending[0], memory_order_relaxed) +
                               atomic_load_explicit(&c->pending[1], memory_order_relaxed));
    i++;
  }
  pthread_mutex_unlock(&e->lock);
  napi_create_typedarray(env, napi_float64_array, i * 4, buffer, 0, &array);
  return array;
}

/* stop(engine): resets every open connection (each reported with reason "requested") and joins the thread. */
static napi_value stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  stop_engine(e);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"createEngine", NULL, create_engine, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"adopt", NULL, adopt, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"reset", NULL, reset, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"close", NULL, close_conn, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default_jsproperty, NULL},
      {"stop", NULL, stop, NULL, NULL, NULL, napi_default_jsproperty, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
