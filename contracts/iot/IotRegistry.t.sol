// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of the IoT registry: attesters vetted only by TRUST_AUTHORITY members, schema ids from content and creator,
// devices bound by their own key to a vetted OEM's model, SIM key bindings attested only by vetted operators.
import {IIotRegistry} from "./IIotRegistry.sol";
import {IotHarness} from "./IotHarness.sol";

contract IotRegistryTest is IotHarness {
    function setUp() public {
        deployIot();
    }

    function test_vetting_onlyATrustAuthorityVets() public {
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.NotTrustAuthority.selector, plainMember));
        vm.prank(plainMember);
        registry.vetAttester(stranger, OEM);
        assertEq(registry.attesterKind(stranger), 0, "nothing vetted");
        assertEq(registry.attester(oem).vettedBy, authority, "vetted by the authority");
        assertEq(registry.attesterKind(oem), OEM, "oem kind");
    }

    function test_vetting_rejectsKindsThatAreNotOneBit() public {
        vm.startPrank(authority);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.InvalidAttesterKind.selector, uint8(3)));
        registry.vetAttester(stranger, 3);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.InvalidAttesterKind.selector, uint8(16)));
        registry.vetAttester(stranger, 16);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.AttesterAlreadyVetted.selector, oem, OEM));
        registry.vetAttester(oem, THIRD_PARTY);
        vm.stopPrank();
    }

    function test_vetting_unvetRemovesTheKind() public {
        vm.prank(authority);
        registry.unvetAttester(certifier);
        assertEq(registry.attesterKind(certifier), 0, "unvetted");
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.AttesterNotVetted.selector, certifier, uint8(0)));
        vm.prank(authority);
        registry.unvetAttester(certifier);
    }

    function test_schema_idDerivesFromContentAndCreator() public {
        assertEq(
            bootSchema,
            registry.schemaIdOf(oem, "verified-boot", "bool verifiedBoot,bytes32 measurement", true, OEM),
            "schema id of the content"
        );
        vm.prank(certifier);
        bytes32 same = registry.registerSchema("verified-boot", "bool verifiedBoot,bytes32 measurement", true, OEM);
        assertTrue(same != bootSchema, "another creator, another id");
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.SchemaExists.selector, bootSchema));
        vm.prank(oem);
        registry.registerSchema("verified-boot", "bool verifiedBoot,bytes32 measurement", true, OEM);
        assertEq(registry.schema(bootSchema).creator, oem, "creator stored");
        assertTrue(registry.schema(bootSchema).revocable, "revocable stored");
    }

    function test_schema_rejectsEmptyOrBadKinds() public {
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.EmptySchema.selector));
        registry.registerSchema("", "bool x", true, OEM);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.InvalidAttesterKinds.selector, uint8(0)));
        registry.registerSchema("x", "bool x", true, 0);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.InvalidAttesterKinds.selector, uint8(0x10)));
        registry.registerSchema("x", "bool x", true, 0x10);
    }

    function test_device_boundToItsKeyModelAndOem() public view {
        IIotRegistry.Device memory d = registry.device(lock);
        assertEq(d.oem, oem, "oem");
        assertEq(d.modelId, registry.modelIdOf(oem, "Acme", "SmartLock 2"), "model id");
        assertEq(d.modelId, modelId, "returned model id");
        assertEq(registry.attesterKind(lock), PEER, "a registered device attests as a peer");
    }

    function test_device_rejectsASignatureFromAnotherKey() public {
        address device = vm.addr(0x1234);
        bytes32 model = registry.modelIdOf(oem, "Acme", "SmartLock 2");
        bytes memory wrong = deviceSignature(device, 0x9999, model);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.InvalidDeviceSignature.selector, device));
        vm.prank(oem);
        registry.registerDevice(device, oem, "Acme", "SmartLock 2", wrong);
        // The signature binds the model: a device that signed for one model cannot be filed under another.
        bytes memory forOther = deviceSignature(device, 0x1234, registry.modelIdOf(oem, "Acme", "Other"));
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.InvalidDeviceSignature.selector, device));
        vm.prank(oem);
        registry.registerDevice(device, oem, "Acme", "SmartLock 2", forOther);
    }

    function test_device_onlyTheVettedOemRegisters() public {
        address device = vm.addr(0x1234);
        bytes memory signature = deviceSignature(device, 0x1234, registry.modelIdOf(oem, "Acme", "X"));
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.NotDidOwner.selector, oem, stranger, oem));
        vm.prank(stranger);
        registry.registerDevice(device, oem, "Acme", "X", signature);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.AttesterNotVetted.selector, certifier, OEM));
        vm.prank(certifier);
        registry.registerDevice(device, certifier, "Acme", "X", signature);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.DeviceExists.selector, lock));
        vm.prank(oem);
        registry.registerDevice(lock, oem, "Acme", "SmartLock 2", signature);
    }

    function test_simBinding_onlyAVettedOperatorAttests() public {
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.AttesterNotVetted.selector, oem, OPERATOR));
        vm.prank(oem);
        registry.attestSimKeyBinding(lock, oem);
        vm.expectRevert(abi.encodeWithSelector(IIotRegistry.UnknownDevice.selector, stranger));
        vm.prank(operator);
        registry.attestSimKeyBinding(stranger, operator);
        vm.prank(operator);
        registry.attestSimKeyBinding(lock, operator);
        assertEq(registry.device(lock).simOperator, operator, "sim binding recorded");
    }
}
