/**
 * Files: weight files ({@link gradkernel.io.WeightFormat}: {@code .npy}, {@code .npz},
 * {@code .safetensors}) and JSON ({@link gradkernel.io.Json}). A leaf package: it depends on no
 * other gradkernel package; {@code optim} ({@code ParameterSet.save}/{@code load},
 * {@code Snapshot.save}/{@code load}), {@code train} ({@code --save}) and the probe use it.
 *
 * <p>Arrays are {@link gradkernel.io.NamedArray}s: a name, a row-major shape and float32 data
 * (float64 files are rounded to float32 on reading). Readers trust no size a file states: every
 * shape is checked against the bytes present (and for {@code .npz} against the zip directory and
 * a memory budget) before anything is allocated, so hostile files cost bounded memory and time;
 * problems are {@link gradkernel.io.WeightFormatException}s naming the file and member. Writers
 * check names first ({@link gradkernel.io.WeightFormat#checkNames}), stream data in 64 KiB chunks
 * and replace the target atomically (temporary sibling, then rename).
 */
package gradkernel.io;
