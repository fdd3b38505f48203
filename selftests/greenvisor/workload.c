// SPDX-License-Identifier: GPL-2.0
/*
 * A mixed workload that must give correct results while greenvisor runs
 * beneath Linux, on every CPU:
 *  - threads pinned to each CPU fill, copy and checksum memory, mapping
 *    and unmapping pages (TLB shootdowns between CPUs) and taking CPUID
 *    exits on the way;
 *  - fork + exec + wait of child processes on alternating CPUs;
 *  - interval-timer signals interrupting a computation, and signals
 *    ping-ponged between two processes on different CPUs;
 *  - a checksummed stream through a pipe between two CPUs.
 *
 * Skips when no CPU reports the greenvisor leaf, unless GV_REQUIRE_HV=1
 * (fail instead) or GV_ALLOW_NATIVE=1 (run anyway, e.g. to check the
 * workload itself on a machine without greenvisor).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gv_test.h"

#define CHILD_ARG	"--gv-child"
#define MEM_WORDS	(256 * 1024)	/* 2 MiB of uint64_t per buffer */
#define MEM_ROUNDS	3
#define EXEC_CHILDREN	12
#define TIMER_TICKS	20
#define PINGPONGS	300
#define PIPE_BYTES	(1024 * 1024)
#define WORKLOAD_TIMEOUT 300	/* seconds; emulators are slow */

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static uint64_t mix(uint64_t sum, uint64_t v)
{
	return (sum ^ v) * 0x100000001b3ull + (sum >> 29);
}

/* The checksum a buffer filled from @seed must have, computed in registers. */
static uint64_t expected_sum(uint64_t seed, size_t words)
{
	uint64_t s = seed, sum = 0;
	size_t i;

	for (i = 0; i < words; i++)
		sum = mix(sum, xorshift64(&s));
	return sum;
}

static uint64_t buffer_sum(const uint64_t *buf, size_t words)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < words; i++)
		sum = mix(sum, buf[i]);
	return sum;
}

static bool gv_native_ok(void)
{
	const char *v = getenv("GV_ALLOW_NATIVE");

	return v && v[0] && strcmp(v, "0");
}

/* Like GV_SETUP_CPUS, but GV_ALLOW_NATIVE=1 runs without greenvisor. */
#define WORKLOAD_SETUP() do {						\
	self->ncpus = gv_cpu_list(self->cpus, CPU_SETSIZE);		\
	ASSERT_GT(self->ncpus, 0);					\
	if (!gv_native_ok())						\
		GV_SETUP_CPUS(self->cpus, self->ncpus);			\
} while (0)

struct mem_job {
	int cpu;
	int id;
	int errors;
	int wrong_cpu;
	char msg[160];
};

static void *mem_worker(void *arg)
{
	struct mem_job *job = arg;
	size_t bytes = MEM_WORDS * sizeof(uint64_t);
	struct gv_cpuid c;
	int round;

	if (job->cpu >= 0 && gv_pin_cpu(job->cpu)) {
		job->errors++;
		snprintf(job->msg, sizeof(job->msg), "pin cpu%d: %s",
			 job->cpu, strerror(errno));
		return NULL;
	}
	for (round = 0; round < MEM_ROUNDS; round++) {
		uint64_t seed = 0x9e3779b97f4a7c15ull * (job->id + 1) + round;
		uint64_t want = expected_sum(seed, MEM_WORDS), s = seed;
		uint64_t *a, *b;
		size_t i;

		a = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		b = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED || b == MAP_FAILED) {
			job->errors++;
			snprintf(job->msg, sizeof(job->msg), "mmap: %s",
				 strerror(errno));
			return NULL;
		}
		for (i = 0; i < MEM_WORDS; i++)
			a[i] = xorshift64(&s);
		gv_cpuid(0, 0, &c);
		memcpy(b, a, bytes);
		if (buffer_sum(a, MEM_WORDS) != want ||
		    buffer_sum(b, MEM_WORDS) != want) {
			job->errors++;
			snprintf(job->msg, sizeof(job->msg),
				 "thread %d round %d: checksum mismatch",
				 job->id, round);
		}
		/* Unmapping shoots down the other threads' TLBs. */
		munmap(a, bytes);
		gv_cpuid(GV_CPUID_LEAF_SIGNATURE, 0, &c);
		if (buffer_sum(b, MEM_WORDS) != want) {
			job->errors++;
			snprintf(job->msg, sizeof(job->msg),
				 "thread %d round %d: copy changed",
				 job->id, round);
		}
		munmap(b, bytes);
		if (job->cpu >= 0 && sched_getcpu() != job->cpu)
			job->wrong_cpu++;
		sched_yield();
	}
	return NULL;
}

FIXTURE(workload) {
	int cpus[CPU_SETSIZE];
	int ncpus;
};

FIXTURE_SETUP(workload)
{
}

FIXTURE_TEARDOWN(workload)
{
}

/* One pinned thread per CPU plus two the scheduler may move around. */
TEST_F_TIMEOUT(workload, threads_memory, WORKLOAD_TIMEOUT)
{
	pthread_t tid[CPU_SETSIZE + 2];
	struct mem_job *jobs;
	int i, n;

	WORKLOAD_SETUP();
	n = self->ncpus + 2;
	jobs = calloc(n, sizeof(*jobs));
	ASSERT_NE(NULL, jobs);
	for (i = 0; i < n; i++) {
		jobs[i].id = i;
		jobs[i].cpu = i < self->ncpus ? self->cpus[i] : -1;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, mem_worker,
					    &jobs[i]));
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		EXPECT_EQ(0, jobs[i].errors) {
			TH_LOG("thread %d (cpu%d): %s", i, jobs[i].cpu,
			       jobs[i].msg);
		}
		EXPECT_EQ(0, jobs[i].wrong_cpu);
	}
	TH_LOG("%d threads x %d rounds x %zu KiB verified", n, MEM_ROUNDS,
	       MEM_WORDS * sizeof(uint64_t) / 1024);
	free(jobs);
}

/* The exec'ed child: a checksum on stdout, a derived exit status. */
static int child_main(int k)
{
	uint64_t sum = expected_sum(k + 1, 4096);

	printf("%016llx\n", (unsigned long long)sum);
	fflush(stdout);
	return (k * 7 + 3) & 0x7f;
}

TEST_F_TIMEOUT(workload, fork_exec_wait, WORKLOAD_TIMEOUT)
{
	int k;

	WORKLOAD_SETUP();
	for (k = 0; k < EXEC_CHILDREN; k++) {
		char arg[16], out[32] = "";
		int fd[2], status;
		ssize_t len;
		pid_t pid;

		ASSERT_EQ(0, pipe(fd));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			snprintf(arg, sizeof(arg), "%d", k);
			gv_pin_cpu(self->cpus[k % self->ncpus]);
			dup2(fd[1], STDOUT_FILENO);
			close(fd[0]);
			close(fd[1]);
			execl("/proc/self/exe", "workload", CHILD_ARG, arg,
			      (char *)NULL);
			_exit(127);
		}
		close(fd[1]);
		len = read(fd[0], out, sizeof(out) - 1);
		close(fd[0]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status)) {
			TH_LOG("child %d: status %#x", k, status);
		}
		EXPECT_EQ((k * 7 + 3) & 0x7f, WEXITSTATUS(status));
		ASSERT_EQ(17, len);
		EXPECT_EQ(expected_sum(k + 1, 4096), strtoull(out, NULL, 16));
	}
	TH_LOG("%d children forked, exec'ed and reaped", EXEC_CHILDREN);
}

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

/* A computation interrupted by timer signals gives the same result. */
TEST_F_TIMEOUT(workload, timer_signals, WORKLOAD_TIMEOUT)
{
	struct sigaction sa = { .sa_handler = on_alarm,
				.sa_flags = SA_RESTART };
	struct itimerval it = {
		.it_interval = { .tv_usec = 2000 },
		.it_value = { .tv_usec = 2000 },
	};
	/* volatile: the computation is redone every time, not hoisted. */
	volatile uint64_t seed = 42;
	uint64_t want = expected_sum(seed, 1000), got;
	int runs, i;

	WORKLOAD_SETUP();
	for (i = 0; i < self->ncpus; i++) {
		GV_PIN(self->cpus[i]);
		ticks = 0;
		runs = 0;
		sigemptyset(&sa.sa_mask);
		ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		while (ticks < TIMER_TICKS) {
			got = expected_sum(seed, 1000);
			ASSERT_EQ(want, got);
			runs++;
		}
		memset(&it.it_value, 0, sizeof(it.it_value));
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		it.it_value.tv_usec = 2000;
		TH_LOG("cpu%d: %d SIGALRMs during %d computations",
		       self->cpus[i], TIMER_TICKS, runs);
	}
}

/* SIGUSR1/SIGUSR2 ping-pong between two processes on different CPUs. */
TEST_F_TIMEOUT(workload, kill_pingpong, WORKLOAD_TIMEOUT)
{
	int parent_cpu, child_cpu, n, status;
	siginfo_t si;
	sigset_t set;
	pid_t pid, ppid = getpid();

	WORKLOAD_SETUP();
	parent_cpu = self->cpus[0];
	child_cpu = self->cpus[self->ncpus > 1 ? 1 : 0];
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		gv_pin_cpu(child_cpu);
		for (n = 0; n < PINGPONGS; n++) {
			if (sigwaitinfo(&set, &si) != SIGUSR1 ||
			    si.si_pid != ppid)
				_exit(1);
			if (kill(ppid, SIGUSR2))
				_exit(2);
		}
		_exit(0);
	}
	GV_PIN(parent_cpu);
	for (n = 0; n < PINGPONGS; n++) {
		ASSERT_EQ(0, kill(pid, SIGUSR1));
		ASSERT_EQ(SIGUSR2, sigwaitinfo(&set, &si));
		ASSERT_EQ(pid, si.si_pid);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%d signal round trips cpu%d <-> cpu%d", PINGPONGS,
	       parent_cpu, child_cpu);
}

/* A checksummed pseudo-random stream through a pipe between two CPUs. */
TEST_F_TIMEOUT(workload, pipe_stream, WORKLOAD_TIMEOUT)
{
	static uint8_t buf[65536];
	uint64_t s = 7, sum = 0, want = 0;
	size_t total = 0, first_bad = 0, bad = 0, i;
	int fd[2], status;
	pid_t pid;

	WORKLOAD_SETUP();
	ASSERT_EQ(0, pipe(fd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		size_t sent = 0, chunk = 1;
		uint64_t cs = 0;

		close(fd[0]);
		gv_pin_cpu(self->cpus[self->ncpus > 1 ? 1 : 0]);
		while (sent < PIPE_BYTES) {
			chunk = chunk * 3 % 65521 + 1;
			if (chunk > PIPE_BYTES - sent)
				chunk = PIPE_BYTES - sent;
			for (i = 0; i < chunk; i++) {
				buf[i] = (uint8_t)xorshift64(&s);
				cs = mix(cs, buf[i]);
			}
			for (i = 0; i < chunk;) {
				ssize_t w = write(fd[1], buf + i, chunk - i);

				if (w <= 0)
					_exit(1);
				i += w;
			}
			sent += chunk;
		}
		/* The checksum of what was sent closes the stream. */
		if (write(fd[1], &cs, sizeof(cs)) != sizeof(cs))
			_exit(2);
		_exit(0);
	}
	close(fd[1]);
	GV_PIN(self->cpus[0]);
	for (;;) {
		ssize_t r = read(fd[0], buf, sizeof(buf));

		ASSERT_GE(r, 0);
		if (r == 0)
			break;
		for (i = 0; i < (size_t)r; i++, total++) {
			if (total < PIPE_BYTES) {
				uint8_t b = (uint8_t)xorshift64(&s);

				if (b != buf[i] && !bad++)
					first_bad = total;
				sum = mix(sum, b);
			} else {
				want |= (uint64_t)buf[i] <<
					(8 * (total - PIPE_BYTES));
			}
		}
	}
	close(fd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ((size_t)0, bad) {
		TH_LOG("%zu bytes differ, the first at offset %zu", bad,
		       first_bad);
	}
	EXPECT_EQ(PIPE_BYTES + sizeof(uint64_t), total);
	EXPECT_EQ(want, sum);
	TH_LOG("%zu bytes streamed and verified", total);
}

/* TEST_HARNESS_MAIN, plus the exec'ed child of fork_exec_wait. */
static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], CHILD_ARG))
		return child_main(atoi(argv[2]));
	return test_harness_run(argc, argv);
}
