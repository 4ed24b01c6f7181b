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
 */
public final class Npz {
  private static final int MAX_MEMBER = Integer.MAX_VALUE - 8;

  private Npz() {}

  /** Every {@code .npy} member of the archive at {@code file}, in archive order. */
  public static List<Tensor> read(Path file) throws WeightFileException {
    String source = file.toString();
    List<Tensor> out = new ArrayList<>();
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
        if (e.getSize() > MAX_MEMBER) {
          throw new WeightFileException(member, "member of " + e.getSize() + " bytes is too large");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
          bytes = in.readAllBytes();
        } catch (IOException ex) {
          throw new WeightFileException(member, "cannot be read (" + ex.getMessage() + ")");
        }
        String name = e.getName().substring(0, e.getName().length() - 4);
        out.add(Npy.read(member, name, bytes));
      }
    } catch (ZipException e) {
      throw new WeightFileException(source, "not a readable zip archive (" + e.getMessage()
          + "); is the file truncated?");
    } catch (WeightFileException e) {
      throw e;
    } catch (IOException e) {
      throw new WeightFileException(source, "cannot be read (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new WeightFileException(source, "the archive holds no .npy arrays");
    }
    return out;
  }
}
