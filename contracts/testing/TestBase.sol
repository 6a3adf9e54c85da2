// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Minimal stand-in for forge-std's Test: the cheatcodes Hardhat 3's Solidity test runner serves at the standard
// address, and assertions that revert with what failed. Keeps the tests free of a git-only dependency.

/// @notice The subset of Foundry's cheatcode interface the tests use (named `Vm` as everywhere else).
// solhint-disable-next-line interface-starts-with-i
interface Vm {
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function assume(bool condition) external pure;
}

abstract contract TestBase {
    // solhint-disable-next-line const-name-snakecase
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    error AssertionFailed(string what);
    error AssertEqUint(string what, uint256 actual, uint256 expected);
    error AssertEqAddress(string what, address actual, address expected);
    error AssertEqBytes32(string what, bytes32 actual, bytes32 expected);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertEqUint(what, actual, expected);
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert AssertEqAddress(what, actual, expected);
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) revert AssertEqBytes32(what, actual, expected);
    }

    function assertEq(string memory actual, string memory expected, string memory what) internal pure {
        if (keccak256(bytes(actual)) != keccak256(bytes(expected))) revert AssertionFailed(what);
    }

    /// @dev Maps a fuzzed value into [min, max] without discarding runs.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
