package gradkernel.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reader for NumPy's {@code .npz}: a zip archive (stored or deflated) of {@code .npy} members, as
 * written by {@code numpy.savez} / {@code savez_compressed}. Tensors are named after their member
 * without the {@code .npy} suffix and returned in archive order.
 *
 * <p>Members are streamed, never inflated whole: each member's {@code .npy} header is read first,
 * and exactly the data it promises is inflated straight into the float array. A member whose
 * inflated size (in the zip directory, or as it inflates) disagrees with its header is rejected,
 * as is an archive whose headers together promise more than a budget (by default 70% of the
 * heap) — so a small archive cannot make the reader allocate gigabytes.
 */
public final class Npz {
  private Npz() {}

  /** Every {@code .npy} member of the archive at {@code file}, in archive order, within the default budget. */
  public static List<Tensor> read(Path file) throws WeightFileException {
    return read(file, (long) (Runtime.getRuntime().maxMemory() * 0.7));
  }

  /**
   * Every {@code .npy} member of the archive at {@code file}, in archive order; the data bytes the
   * members' headers promise may total at most {@code maxDataBytes}.
   */
  static List<Tensor> read(Path file, long maxDataBytes) throws WeightFileException {
    String source = file.toString();
    List<Tensor> out = new ArrayList<>();
    long used = 0;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String member = source + "[" + e.getName() + "]";
        if (!e.getName().endsWith(".npy")) {
          throw new WeightFileException(member, "not a .npy member; an .npz holds only .npy files");
        }
        String name = e.getName().substring(0, e.getName().length() - 4);
        try (InputStream in = zip.getInputStream(e)) {
          Npy.Header h = Npy.header(member, name, in);
          long size = h.dataStart() + h.dataBytes();
          if (e.getSize() >= 0 && e.getSize() != size) {
            throw new WeightFileException(member, "the zip directory says the member inflates to "
                + e.getSize() + " bytes but its .npy header and shape " + Tensor.shapeString(h.shape())
                + " of " + h.dtype() + " imply " + size + (e.getSize() > size
                ? ": more data than its header promises" : ": truncated or corrupt archive"));
          }
          if (h.dataBytes() > maxDataBytes - used) {
            throw new WeightFileException(member, "shape " + Tensor.shapeString(h.shape()) + " of "
                + h.dtype() + " needs " + h.dataBytes() + " bytes, over the limit of " + maxDataBytes
                + " bytes for the whole archive (" + (maxDataBytes - used) + " left; the limit is 70% of"
                + " the heap: raise -Xmx with GRADKERNEL_JVM_OPTS)");
          }
          used += h.dataBytes();
          out.add(Npy.data(member, h, in));
        } catch (ZipException ex) {
          throw new WeightFileException(member, "cannot be inflated (" + ex.getMessage() + ")");
        } catch (WeightFileException ex) {
          throw ex;
        } catch (IOException ex) {
          throw new WeightFileException(member, "cannot be read: " + Text.reason(ex));
        }
      }
    } catch (ZipException e) {
      throw new WeightFileException(source, "not a readable zip archive (" + e.getMessage()
          + "); is the file truncated?");
    } catch (WeightFileException e) {
      throw e;
    } catch (IOException e) {
      throw new WeightFileException(source, "cannot be read: " + Text.reason(e));
    }
    if (out.isEmpty()) {
      throw new WeightFileException(source, "the archive holds no .npy arrays");
    }
    return out;
  }
}
