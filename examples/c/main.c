/* Two polytile models in one program, run from two threads at once.
 *
 *   two_models IN_DIR OUT_DIR [NUM_THREADS [REPEAT]]
 *
 * Reads the inputs of each model from IN_DIR/model_a.in<i>.bin and
 * IN_DIR/model_b.in<i>.bin, then two threads each create a session of both
 * models (NUM_THREADS each, default 0: every core) and run them REPEAT times
 * (default 3), in opposite orders, so that the two models and two sessions of
 * each run at the same time. The outputs of the two threads must be identical;
 * they are printed and written to OUT_DIR/model_a.out<i>.bin, ...
 *
 * Tensor files: int32 dtype (ONNX numbering), int32 rank, int64 dims[rank],
 * then the elements, little-endian, row-major.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <polytile/runtime.h>
#include "model_a.h"
#include "model_b.h"

#define MAX_TENSORS 16
#define MAX_RANK 8

typedef struct {
  pt_tensor t;
  int64_t dims[MAX_RANK];
  size_t bytes;
} owned_tensor;

static size_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case PT_DOUBLE: case PT_INT64: case PT_UINT64: return 8;
    case PT_FLOAT: case PT_INT32: case PT_UINT32: return 4;
    case PT_FLOAT16: case PT_BFLOAT16: case PT_INT16: case PT_UINT16: return 2;
    default: return 1;
  }
}

static size_t tensor_bytes(const pt_tensor *t) {
  size_t n = dtype_size(t->dtype);
  for (int k = 0; k < t->rank; ++k) n *= (size_t)t->shape[k];
  return n;
}

static int read_tensor(const char *path, owned_tensor *o) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "cannot open %s\n", path); return -1; }
  int32_t head[2];
  if (fread(head, 4, 2, f) != 2 || head[1] < 0 || head[1] > MAX_RANK ||
      fread(o->dims, 8, (size_t)head[1], f) != (size_t)head[1]) {
    fprintf(stderr, "%s: bad tensor header\n", path);
    fclose(f);
    return -1;
  }
  o->t.dtype = head[0];
  o->t.rank = head[1];
  o->t.shape = o->dims;
  o->bytes = tensor_bytes(&o->t);
  o->t.data = malloc(o->bytes ? o->bytes : 1);
  if (fread(o->t.data, 1, o->bytes, f) != o->bytes) {
    fprintf(stderr, "%s: short data\n", path);
    fclose(f);
    return -1;
  }
  fclose(f);
  return 0;
}

static int write_tensor(const char *path, const pt_tensor *t) {
  FILE *f = fopen(path, "wb");
  if (!f) { fprintf(stderr, "cannot write %s\n", path); return -1; }
  int32_t head[2] = {t->dtype, t->rank};
  fwrite(head, 4, 2, f);
  fwrite(t->shape, 8, (size_t)t->rank, f);
  fwrite(t->data, 1, tensor_bytes(t), f);
  fclose(f);
  return 0;
}

static void print_tensor(const char *model, const char *name, const pt_tensor *t) {
  printf("%s %s: dtype %d shape [", model, name, t->dtype);
  for (int k = 0; k < t->rank; ++k) printf(k ? ", %lld" : "%lld", (long long)t->shape[k]);
  printf("]");
  if (t->dtype == PT_FLOAT) {
    size_t n = tensor_bytes(t) / 4;
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += ((const float *)t->data)[i];
    printf(" sum %.6g first", sum);
    for (size_t i = 0; i < n && i < 4; ++i) printf(" %.6g", ((const float *)t->data)[i]);
  }
  printf("\n");
}

/* One model's calls, through function pointers so both models share the code. */
typedef struct {
  const char *name;
  int (*num_inputs)(void);
  int (*num_outputs)(void);
  const char *(*output_name)(int);
  void *(*create)(int);
  int (*run)(void *, const pt_tensor *, pt_tensor *);
  void (*destroy)(void *);
  const char *(*last_error)(const void *);
  owned_tensor inputs[MAX_TENSORS];
} model;

/* Adapters from each model's session type to void *. */
#define ADAPT(M)                                                                                      \
  static void *M##_create_any(int n) { return M##_create(n); }                                         \
  static int M##_run_any(void *s, const pt_tensor *i, pt_tensor *o) { return M##_run((M##_session *)s, i, o); } \
  static void M##_destroy_any(void *s) { M##_destroy((M##_session *)s); }                              \
  static const char *M##_last_error_any(const void *s) { return M##_last_error((const M##_session *)s); }
ADAPT(model_a)
ADAPT(model_b)
#define MODEL(M) {.name = #M, .num_inputs = M##_num_inputs, .num_outputs = M##_num_outputs,             \
                  .output_name = M##_output_name, .create = M##_create_any, .run = M##_run_any,        \
                  .destroy = M##_destroy_any, .last_error = M##_last_error_any}
static model models[2] = {MODEL(model_a), MODEL(model_b)};

typedef struct {
  int id, threads, repeat, failed;
  void *sessions[2];
  pt_tensor outputs[2][MAX_TENSORS];
  pthread_t thread;
} worker;

static void *work(void *arg) {
  worker *w = (worker *)arg;
  for (int m = 0; m < 2; ++m) {
    w->sessions[m] = models[m].create(w->threads);
    if (!w->sessions[m]) {
      fprintf(stderr, "%s_create: %s\n", models[m].name, models[m].last_error(NULL));
      w->failed = 1;
      return NULL;
    }
  }
  for (int r = 0; r < w->repeat; ++r) {
    for (int j = 0; j < 2; ++j) {
      int m = w->id == 0 ? j : 1 - j; /* opposite orders on the two threads */
      pt_tensor in[MAX_TENSORS];
      for (int i = 0; i < models[m].num_inputs(); ++i) in[i] = models[m].inputs[i].t;
      memset(w->outputs[m], 0, sizeof w->outputs[m]); /* data NULL: the session's memory */
      if (models[m].run(w->sessions[m], in, w->outputs[m]) != PT_OK) {
        fprintf(stderr, "%s_run: %s\n", models[m].name, models[m].last_error(w->sessions[m]));
        w->failed = 1;
        return NULL;
      }
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s IN_DIR OUT_DIR [NUM_THREADS [REPEAT]]\n", argv[0]);
    return 2;
  }
  int threads = argc > 3 ? atoi(argv[3]) : 0, repeat = argc > 4 ? atoi(argv[4]) : 3;
  char path[4096];
  for (int m = 0; m < 2; ++m)
    for (int i = 0; i < models[m].num_inputs(); ++i) {
      snprintf(path, sizeof path, "%s/%s.in%d.bin", argv[1], models[m].name, i);
      if (read_tensor(path, &models[m].inputs[i]) != 0) return 1;
    }
  worker workers[2];
  memset(workers, 0, sizeof workers);
  for (int w = 0; w < 2; ++w) {
    workers[w].id = w;
    workers[w].threads = threads;
    workers[w].repeat = repeat;
    pthread_create(&workers[w].thread, NULL, work, &workers[w]);
  }
  for (int w = 0; w < 2; ++w) pthread_join(workers[w].thread, NULL);
  if (workers[0].failed || workers[1].failed) return 1;
  int status = 0;
  for (int m = 0; m < 2; ++m)
    for (int r = 0; r < models[m].num_outputs(); ++r) {
      const pt_tensor *a = &workers[0].outputs[m][r], *b = &workers[1].outputs[m][r];
      if (tensor_bytes(a) != tensor_bytes(b) || memcmp(a->data, b->data, tensor_bytes(a)) != 0) {
        fprintf(stderr, "%s output %d differs between the two threads\n", models[m].name, r);
        status = 1;
      }
      print_tensor(models[m].name, models[m].output_name(r), a);
      snprintf(path, sizeof path, "%s/%s.out%d.bin", argv[2], models[m].name, r);
      if (write_tensor(path, a) != 0) status = 1;
    }
  for (int w = 0; w < 2; ++w)
    for (int m = 0; m < 2; ++m) models[m].destroy(workers[w].sessions[m]);
  return status;
}
