package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeviceNumbersTest {
    @Test
    void roundTripsLikeGlibc() {
        assertEquals(0x103, DeviceNumbers.makedev(1, 3)); // /dev/null
        assertEquals(0xa8f3cL, DeviceNumbers.makedev(0xa8f, 0x3c));
        long dev = DeviceNumbers.makedev(4095 + 4096 * 3, 300000);
        assertEquals(4095 + 4096 * 3, DeviceNumbers.major(dev));
        assertEquals(300000, DeviceNumbers.minor(dev));
    }
}
