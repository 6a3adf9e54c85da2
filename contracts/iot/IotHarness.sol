// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Shared set-up of the IoT contract tests: a real ConsortiumRegistry whose founder `authority` holds TRUST_AUTHORITY,
// a real ERC-1056 registry, the IoT registry and attestations contracts, vetted OEM / operator / certifier DIDs (each
// acting as its own DID owner), a device registered with its own key, and two-leaf Merkle helpers.
import {EthereumDIDRegistry} from "../identity/EthereumDIDRegistry.sol";
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IIotAttestations} from "./IIotAttestations.sol";
import {IotAttestations} from "./IotAttestations.sol";
import {IotRegistry} from "./IotRegistry.sol";

abstract contract IotHarness is TestBase {
    uint8 internal constant OEM = 1;
    uint8 internal constant OPERATOR = 2;
    uint8 internal constant THIRD_PARTY = 4;
    uint8 internal constant PEER = 8;
    uint256 internal constant DEVICE_KEY = 0xD1CE;
    uint256 internal constant PEER_KEY = 0xBEE5;

    ConsortiumRegistry internal consortium;
    EthereumDIDRegistry internal dids;
    IotRegistry internal registry;
    IotAttestations internal attestations;

    address internal authority = address(0xA11);
    address internal plainMember = address(0xA12);
    address internal oem = address(0x0E1);
    address internal operator = address(0x0B1);
    address internal certifier = address(0xCE1);
    address internal stranger = address(0xDEAD);
    address internal lock;
    address internal neighbour;
    bytes32 internal modelId;
    bytes32 internal bootSchema;
    bytes32 internal certSchema;

    function deployIot() internal {
        address[] memory founders = new address[](2);
        founders[0] = authority;
        founders[1] = plainMember;
        string[] memory names = new string[](2);
        names[0] = "authority";
        names[1] = "member";
        bytes32[][] memory roles = new bytes32[][](2);
        roles[0] = new bytes32[](1);
        roles[0][0] = Roles.TRUST_AUTHORITY;
        roles[1] = new bytes32[](0);
        consortium = new ConsortiumRegistry(founders, names, roles);
        dids = new EthereumDIDRegistry();
        registry = new IotRegistry(consortium, dids);
        attestations = new IotAttestations(registry, dids);
        vm.startPrank(authority);
        registry.vetAttester(oem, OEM);
        registry.vetAttester(operator, OPERATOR);
        registry.vetAttester(certifier, THIRD_PARTY);
        vm.stopPrank();
        lock = vm.addr(DEVICE_KEY);
        neighbour = vm.addr(PEER_KEY);
        modelId = registerDevice(lock, DEVICE_KEY, "Acme", "SmartLock 2");
        registerDevice(neighbour, PEER_KEY, "Acme", "Thermo 1");
        vm.prank(oem);
        bootSchema = registry.registerSchema("verified-boot", "bool verifiedBoot,bytes32 measurement", true, OEM);
        vm.prank(certifier);
        certSchema = registry.registerSchema("certification", "string program,string level", true, THIRD_PARTY | PEER);
    }

    function registerDevice(
        address device,
        uint256 key,
        string memory make,
        string memory model
    ) internal returns (bytes32) {
        bytes memory signature = deviceSignature(device, key, registry.modelIdOf(oem, make, model));
        vm.prank(oem);
        return registry.registerDevice(device, oem, make, model, signature);
    }

    function deviceSignature(address device, uint256 key, bytes32 model) internal view returns (bytes memory) {
        bytes32 digest = keccak256(
            abi.encodePacked("\x19Ethereum Signed Message:\n32", registry.deviceBindingDigest(device, oem, model))
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function subjectOf(address device) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(device)));
    }

    function payload(
        bytes32 schemaId,
        address device,
        address attester,
        bytes32 dataHash,
        uint64 expiresAt
    ) internal pure returns (IIotAttestations.Payload memory) {
        return
            IIotAttestations.Payload({
                schemaId: schemaId,
                subject: subjectOf(device),
                attester: attester,
                dataHash: dataHash,
                expiresAt: expiresAt
            });
    }

    function leaf(IIotAttestations.Payload memory p) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(p))));
    }

    /// @dev OpenZeppelin's commutative pair hash: the root of a two-leaf tree.
    function pairRoot(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function oneProof(bytes32 sibling) internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](1);
        proof[0] = sibling;
    }
}
