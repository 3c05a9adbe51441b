/* polytile/runtime.h: the types shared by every model library that
 * `polytile-compile --emit=lib|obj --name=NAME` builds; each model's own
 * functions are declared in its generated NAME.h, which includes this file.
 *
 * `polytile-compile --print-include-dir` prints the folder holding polytile/.
 *
 *   NAME_session *s = NAME_create(num_threads);   (0: every core)
 *   pt_tensor in[NAME_num_inputs()], out[NAME_num_outputs()];
 *   ... fill in[i].data/dtype/rank/shape; out[i].data = NULL (session-owned)
 *       or a buffer of the output's dtype and shape (then also set its
 *       dtype, rank and shape, which are checked) ...
 *   if (NAME_run(s, in, out) != PT_OK) fprintf(stderr, "%s\n", NAME_last_error(s));
 *   NAME_destroy(s);
 *
 * Dtypes use ONNX's TensorProto numbering. Every element takes whole bytes:
 * bool is one byte (0 or 1); the 4- and 2-bit types one byte per element.
 */
#ifndef POLYTILE_RUNTIME_H
#define POLYTILE_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A tensor handed to or returned by NAME_run: dense, row-major, no strides. */
typedef struct {
  void *data;
  int32_t dtype;          /* a PT_* dtype below (ONNX TensorProto.DataType) */
  int32_t rank;
  const int64_t *shape;   /* rank entries; may be NULL when rank is 0 */
} pt_tensor;

/* ONNX TensorProto.DataType numbering. */
enum {
  PT_FLOAT = 1, PT_UINT8 = 2, PT_INT8 = 3, PT_UINT16 = 4, PT_INT16 = 5,
  PT_INT32 = 6, PT_INT64 = 7, PT_BOOL = 9, PT_FLOAT16 = 10, PT_DOUBLE = 11,
  PT_UINT32 = 12, PT_UINT64 = 13, PT_BFLOAT16 = 16, PT_FLOAT8E4M3FN = 17,
  PT_FLOAT8E4M3FNUZ = 18, PT_FLOAT8E5M2 = 19, PT_FLOAT8E5M2FNUZ = 20,
  PT_UINT4 = 21, PT_INT4 = 22, PT_FLOAT4E2M1 = 23, PT_FLOAT8E8M0 = 24,
  PT_UINT2 = 25, PT_INT2 = 26
};

/* NAME_run return codes (NAME_last_error says more). */
enum {
  PT_OK = 0,
  PT_ERROR_INVALID_ARGUMENT = 1,  /* a NULL pointer, or a dtype, rank or shape mismatch */
  PT_ERROR_OUT_OF_MEMORY = 2
};

#ifdef __cplusplus
}
#endif

#endif /* POLYTILE_RUNTIME_H */
