package gradkernel.props;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Makes every property use the seed in the system property {@code jqwik.seed} (the pom sets 42;
 * {@code mvn verify -Djqwik.seed=123} overrides it) and prints it, so a CI failure is reproduced
 * by rerunning with the printed seed.
 *
 * <p>Needed because jqwik 1.9.3 has no global seed setting: {@code junit-platform.properties}
 * knows tries, edge cases, shrinking and {@code seeds.whenfixed}, but no seed. Attributes changed
 * in an {@link AroundPropertyHook} are read when the property's generators are built.
 */
public final class ReproducibleSeed implements AroundPropertyHook {

  /** The seed in effect, or null when none is configured (then jqwik picks a random one). */
  static String configuredSeed() {
    String s = System.getProperty("jqwik.seed");
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
      PropertyExecutor property) {
    String seed = configuredSeed();
    if (seed != null && context.attributes().seed().map(String::isEmpty).orElse(true)) {
      context.attributes().setSeed(seed);
    }
    PropertyExecutionResult result = property.execute();
    System.out.println("[jqwik] " + context.label() + " seed=" + result.seed().orElse("?")
        + " status=" + result.status() + "  (rerun: -Djqwik.seed=" + result.seed().orElse("?")
        + ")");
    return result;
  }

  @Override
  public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
    // Registered on a class; must reach every property method in it (and nested classes).
    return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public int aroundPropertyProximity() {
    // Outermost, so the seed is set before any other hook or generator sees the attributes.
    return -100;
  }
}
