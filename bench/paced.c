// Open-loop load at a fixed rate (wrk cannot pace, and a Node generator fell behind on two shared cores): one HTTP
// POST every 1/rate s over keep-alive connections, one request in flight per connection. A request whose time comes
// while every connection is busy waits for one, and every latency is measured from the request's scheduled time, so a
// stall of the server is counted in full (no coordinated omission). Built and run by bench/cache.sh.
// Usage: paced HOST PORT PATH BODY AUTHORIZATION RATE SECONDS CONNECTIONS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    int busy;
    double scheduled;  // when the request in flight was due
    char buffer[65536];
    size_t filled;
} connection;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static char request[8192];
static size_t request_length;

static void send_request(connection *c, double scheduled) {
    if (write(c->fd, request, request_length) != (ssize_t) request_length) die("write");
    c->busy = 1;
    c->scheduled = scheduled;
    c->filled = 0;
}

// Whether the buffer holds a whole response: headers and Content-Length bytes of body. Sets *ok to a 200.
static int complete(connection *c, int *ok) {
    c->buffer[c->filled < sizeof c->buffer ? c->filled : sizeof c->buffer - 1] = 0;
    char *end = strstr(c->buffer, "\r\n\r\n");
    if (!end) return 0;
    long length = 0;
    for (char *line = strstr(c->buffer, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "content-length:", 15) == 0) length = strtol(line + 17, NULL, 10);
    }
    if ((size_t) (end + 4 - c->buffer) + length > c->filled) return 0;
    *ok = strncmp(c->buffer + 9, "200", 3) == 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT PATH BODY AUTHORIZATION RATE SECONDS CONNECTIONS\n", argv[0]);
        return 2;
    }
    const char *host = argv[1], *path = argv[3], *body = argv[4], *authorization = argv[5];
    int port = atoi(argv[2]), connections = atoi(argv[8]);
    double rate = atof(argv[6]), seconds = atof(argv[7]);
    long total = (long) (rate * seconds);
    request_length = snprintf(request, sizeof request,
            "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nUpstash-Encoding: base64\r\n"
            "Authorization: %s\r\nContent-Length: %zu\r\n\r\n%s", path, host, port, authorization, strlen(body), body);

    int epoll = epoll_create1(0);
    connection *pool = calloc(connections, sizeof *pool);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &address.sin_addr);
    for (int i = 0; i < connections; i++) {
        pool[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(pool[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(pool[i].fd, (struct sockaddr *) &address, sizeof address) != 0) die("connect");
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = &pool[i]};
        epoll_ctl(epoll, EPOLL_CTL_ADD, pool[i].fd, &event);
    }

    double *latencies = malloc(sizeof(double) * (total + 1));
    double *waiting = malloc(sizeof(double) * (total + 1));  // due requests with no free connection yet, in order
    long answered = 0, errors = 0, sent = 0, waiting_head = 0, waiting_tail = 0, most_waiting = 0;
    double start = now() + 0.1;
    while (answered < total) {
        double t = now();
        while (sent < total && start + sent / rate <= t) waiting[waiting_tail++] = start + (sent++) / rate;
        if (waiting_tail - waiting_head > most_waiting) most_waiting = waiting_tail - waiting_head;
        for (int i = 0; i < connections && waiting_head < waiting_tail; i++) {
            if (!pool[i].busy) send_request(&pool[i], waiting[waiting_head++]);
        }
        double next = sent < total ? start + sent / rate - now() : 1.0;
        if (next < 0) next = 0;
        struct timespec timeout = {.tv_sec = (time_t) next, .tv_nsec = (long) ((next - (time_t) next) * 1e9)};
        struct epoll_event events[256];
        int ready = epoll_pwait2(epoll, events, 256, &timeout, NULL);
        if (ready < 0 && errno != EINTR) die("epoll_pwait2");
        for (int e = 0; e < ready; e++) {
            connection *c = events[e].data.ptr;
            ssize_t got = read(c->fd, c->buffer + c->filled, sizeof c->buffer - 1 - c->filled);
            if (got <= 0) die("read (the server closed a connection)");
            c->filled += got;
            int ok;
            if (c->busy && complete(c, &ok)) {
                latencies[answered++] = (now() - c->scheduled) * 1000;
                errors += !ok;
                c->busy = 0;
                if (waiting_head < waiting_tail) send_request(c, waiting[waiting_head++]);
            }
        }
    }
    double elapsed = now() - start;
    qsort(latencies, answered, sizeof(double), compare);
#define AT(p) latencies[(long) ((p) / 100.0 * (answered - 1))]
    printf("rate %.0f/s for %.0f s over %d connections: %ld answered (%ld not 200), achieved %.0f/s, "
           "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; at most %ld requests waited for a connection\n",
           rate, seconds, connections, answered, errors, answered / elapsed, AT(50), AT(90), AT(99), AT(99.9),
           latencies[answered - 1], most_waiting);
    return errors > 0;
}
