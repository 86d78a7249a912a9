package io.pluginhost.resource.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

import java.net.URI;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the host's S3 is when the configuration leaves something out. */
class S3ConnectionTest {

    @Test
    void withoutAConfiguredRegionTheHostTakesTheOneItsPlatformSets() {
        // EKS, ECS and Lambda set AWS_REGION; a JVM may set aws.region. Signing for us-east-1 instead makes S3
        // refuse every request to a bucket in another region.
        System.setProperty("aws.region", "eu-west-1");
        try {
            assertThat(S3Connection.defaultRegion(Optional.empty())).isEqualTo("eu-west-1");
            assertThat(S3Connection.defaultRegion(Optional.of(URI.create("http://127.0.0.1:9000"))))
                    .isEqualTo("eu-west-1");
        } finally {
            System.clearProperty("aws.region");
        }
    }

    @Test
    @DisabledIfEnvironmentVariable(named = "AWS_REGION", matches = ".*", disabledReason = "the platform sets one")
    void anS3CompatibleServerWithNoRegionSetGetsUsEast1() {
        assertThat(S3Connection.defaultRegion(Optional.of(URI.create("http://127.0.0.1:9000"))))
                .isEqualTo("us-east-1");
    }
}
