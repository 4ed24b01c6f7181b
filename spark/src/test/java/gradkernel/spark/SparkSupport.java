package gradkernel.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A quiet local[2] Spark context on the loopback interface for the tests. */
final class SparkSupport {
  private SparkSupport() {}

  static JavaSparkContext localContext(String name) {
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName(name)
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false");
    JavaSparkContext sc = new JavaSparkContext(conf);
    sc.setLogLevel("ERROR");
    return sc;
  }
}
